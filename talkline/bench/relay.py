"""`talkline bench relay`: what the Realtime relay costs.

1. First-audio latency through the relay against connecting to the upstream directly, in one run: a
   Talkline B on its local engines, a Talkline A relaying its `practice` profile to B's `eco`. Each turn
   streams real Piper speech (synthesised by B) at real-time pace on a fresh connection, alternating
   direct and relayed; latency runs from the last speech chunk sent to the first reply audio received.
2. Concurrent relayed sessions: A relays `eco` to a synthetic upstream (in its own process) that speaks
   100 ms audio deltas in real time, each stamped with its send time, while every client appends 100 ms
   of audio in real time. Sessions run out of phase, as independent calls do (random offsets within the
   100 ms tick and the 4 s reply cycle). The forwarding delay is measured end to end (client receipt minus
   upstream send) at growing session counts, through the relay and directly to the upstream, until the
   relayed p95 passes the limit. The gateway's own histogram (`talkline_relay_forward_seconds`, the time
   an event spends in relay code, not waiting for the loop) and the benchmark's event-loop lag are
   reported next to it, as all processes share the machine's cores.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import multiprocessing
import os
import platform
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from prometheus_client.parser import text_string_to_metric_families
from rich.console import Console
from rich.table import Table
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from talkline.bench.processes import free_port, talkline_server
from talkline.bench.speech import QUESTIONS, english_speech

GATEWAY_KEY, UPSTREAM_KEY = "tl-bench-gateway", "tl-bench-upstream"
UPSTREAM_KEY_ENV = "TALKLINE_BENCH_UPSTREAM_KEY"
CHUNK_MS = 40  # how the latency turns stream speech
SILENCE_MS = 1500  # streamed after the speech, for the end of the turn to be detected
SWEEP_CHUNK_MS = 100  # audio per append and per upstream delta in the sweep
PCM_BYTES_PER_MS = 48
FORWARD_METRIC = "talkline_relay_forward_seconds"
Say = Callable[[str], None]


@dataclass(frozen=True)
class BenchOptions:
    turns: int = 12
    sweep_seconds: float = 8.0
    max_sessions: int = 2048
    limit_ms: float = 50.0


@dataclass(frozen=True)
class Endpoint:
    """A Realtime endpoint and the key it takes."""

    http_url: str
    key: str

    @property
    def realtime_url(self) -> str:
        return self.http_url.replace("http", "ws", 1) + "/v1/realtime"


def gateway_profiles(path: Path, upstream: Endpoint, synthetic_port: int) -> Path:
    path.write_text(f"""
[profiles.practice.realtime]
kind = "relay"
url = "{upstream.realtime_url}"
model = "eco"
api_key_env = "{UPSTREAM_KEY_ENV}"

[profiles.eco.realtime]
kind = "relay"
url = "ws://127.0.0.1:{synthetic_port}/v1/realtime"
model = "synthetic"
""", encoding="utf-8")
    return path


# ── 1. first-audio latency ─────────────────────────────────────────────────────────────────────


async def first_audio_ms(endpoint: Endpoint, model: str, audio: bytes) -> float:
    """From the last chunk of speech sent to the first reply audio received, on a fresh connection."""
    async with connect(f"{endpoint.realtime_url}?model={model}", compression=None, max_size=None,
                       additional_headers={"Authorization": f"Bearer {endpoint.key}"}) as ws:
        if json.loads(await ws.recv()).get("type") != "session.created":
            raise RuntimeError(f"{endpoint.http_url} did not open a session")
        spoken: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        sender = asyncio.create_task(_stream_speech(ws, audio, spoken))
        try:
            return await _first_audio_after(ws, spoken)
        finally:
            sender.cancel()


async def _stream_speech(ws: Any, audio: bytes, spoken: asyncio.Future[float]) -> None:
    """Real-time pace; `spoken` gets the moment the last chunk of speech went out."""
    step = PCM_BYTES_PER_MS * CHUNK_MS
    chunks = [audio[i:i + step] for i in range(0, len(audio), step)]
    chunks += [bytes(step)] * (SILENCE_MS // CHUNK_MS)
    speech_chunks = -(-len(audio) // step)
    started = time.monotonic()
    for index, chunk in enumerate(chunks):
        await ws.send(json.dumps({"type": "input_audio_buffer.append", "audio": base64.b64encode(chunk).decode()}))
        if index == speech_chunks - 1:
            spoken.set_result(time.monotonic())
        await asyncio.sleep(max(0.0, started + (index + 1) * CHUNK_MS / 1000 - time.monotonic()))


async def _first_audio_after(ws: Any, spoken: asyncio.Future[float]) -> float:
    first: float | None = None
    async for frame in ws:
        event = json.loads(frame)
        kind = event.get("type")
        if kind == "response.output_audio.delta" and first is None and spoken.done():
            first = time.monotonic()
        elif kind == "error":
            raise RuntimeError(f"the server sent an error: {event['error']}")
        elif kind == "response.done" and first is not None:
            return 1000 * (first - spoken.result())
    raise RuntimeError("the connection closed before a reply")


async def latency_phase(direct: Endpoint, relayed: Endpoint, turns: int, say: Say) -> dict[str, Any]:
    questions = [english_speech(text).data for text in QUESTIONS]
    paths = {"direct": (direct, "eco"), "relayed": (relayed, "practice")}
    for endpoint, model in paths.values():  # warm-up: lazy indexes and first inferences
        await first_audio_ms(endpoint, model, questions[0])
    samples: dict[str, list[float]] = {"direct": [], "relayed": []}
    for turn in range(turns):
        audio = questions[turn % len(questions)]
        for name in ("direct", "relayed") if turn % 2 == 0 else ("relayed", "direct"):
            samples[name].append(await first_audio_ms(*paths[name], audio))
        say(f"  turn {turn + 1}/{turns}: direct {samples['direct'][-1]:.0f} ms, "
            f"relayed {samples['relayed'][-1]:.0f} ms")
    direct_stats, relayed_stats = stats_ms(samples["direct"]), stats_ms(samples["relayed"])
    return {"turns": turns, "direct": direct_stats, "relayed": relayed_stats,
            "ratio_p50": round(relayed_stats["p50_ms"] / direct_stats["p50_ms"], 3),
            "ratio_p95": round(relayed_stats["p95_ms"] / direct_stats["p95_ms"], 3),
            "added_p50_ms": round(relayed_stats["p50_ms"] - direct_stats["p50_ms"], 1),
            "samples_ms": {name: [round(value, 1) for value in values] for name, values in samples.items()}}


# ── 2. concurrent relayed sessions ─────────────────────────────────────────────────────────────


def run_synthetic_upstream(port: int) -> None:
    """A stand-in upstream Realtime service, in its own process: it speaks in real time, without inference."""
    asyncio.run(_synthetic_upstream(port))


async def _synthetic_upstream(port: int) -> None:
    async with serve(_synthetic_session, "127.0.0.1", port, compression=None, max_size=None):
        await asyncio.Event().wait()


async def _synthetic_session(ws: ServerConnection) -> None:
    session = {"type": "realtime", "object": "realtime.session", "id": "sess_synthetic", "model": "synthetic",
               "output_modalities": ["audio"], "instructions": "", "tools": [], "audio": {}}
    speaker: asyncio.Task[None] | None = None
    try:
        await ws.send(json.dumps({"type": "session.created", "event_id": "event_open", "session": session}))
        async for frame in ws:
            if json.loads(frame).get("type") == "session.update":
                await ws.send(json.dumps({"type": "session.updated", "event_id": "event_cfg", "session": session}))
                speaker = speaker or asyncio.create_task(_speak(ws))
    except ConnectionClosed:
        pass
    finally:
        if speaker is not None:
            speaker.cancel()


async def _speak(ws: ServerConnection) -> None:
    """Responses of 3 s of audio in real-time deltas, a second apart; every event says when it was sent."""
    delta = base64.b64encode(bytes(PCM_BYTES_PER_MS * SWEEP_CHUNK_MS)).decode()
    number = 0
    await asyncio.sleep(random.uniform(0.0, 4.0))  # out of phase with the other sessions
    with contextlib.suppress(ConnectionClosed):
        while True:
            number += 1
            response, item = f"resp_{number}", f"item_{number}"
            where = {"response_id": response, "item_id": item, "output_index": 0, "content_index": 0}
            await _stamped(ws, {"type": "response.created", "response": {"id": response, "status": "in_progress",
                                                                         "output": []}})
            started = time.monotonic()
            for index in range(30):
                if index % 5 == 0:
                    await _stamped(ws, {"type": "response.output_audio_transcript.delta", **where, "delta": "word "})
                await _stamped(ws, {"type": "response.output_audio.delta", **where, "delta": delta})
                await asyncio.sleep(max(0.0, started + (index + 1) * SWEEP_CHUNK_MS / 1000 - time.monotonic()))
            await _stamped(ws, {"type": "response.done", "response": {"id": response, "status": "completed",
                                                                      "output": []}})
            await asyncio.sleep(1.0)


async def _stamped(ws: ServerConnection, event: dict[str, Any]) -> None:
    await ws.send(json.dumps({**event, "event_id": f"event_{time.monotonic_ns()}"}))


@dataclass
class LevelRun:
    measure_from: float = 0.0
    measure_until: float = 0.0
    delays_ms: list[float] = field(default_factory=list)
    lags_ms: list[float] = field(default_factory=list)


async def _sweep_client(url: str, headers: dict[str, str], run: LevelRun, started: asyncio.Event,
                        ready: list[int]) -> None:
    """One session: reads everything from the start, appends in real time once every session is open."""
    async with connect(url, additional_headers=headers, compression=None, max_size=None, open_timeout=60) as ws:
        await ws.recv()  # session.created
        await ws.send(json.dumps({"type": "session.update", "session": {"type": "realtime"}}))
        ready.append(1)
        sender = asyncio.create_task(_append_in_real_time(ws, started))
        try:
            async for frame in ws:
                received = time.monotonic_ns()
                event_id = json.loads(frame).get("event_id", "")
                if run.measure_from <= received / 1e9 <= run.measure_until and event_id.startswith("event_") \
                        and event_id[6:].isdigit():
                    run.delays_ms.append((received - int(event_id[6:])) / 1e6)
                if run.measure_until and received / 1e9 > run.measure_until:
                    return
        finally:
            sender.cancel()


async def _append_in_real_time(ws: Any, begin: asyncio.Event) -> None:
    frame = json.dumps({"type": "input_audio_buffer.append",
                        "audio": base64.b64encode(bytes(PCM_BYTES_PER_MS * SWEEP_CHUNK_MS)).decode()})
    await begin.wait()
    started = time.monotonic() + random.uniform(0.0, SWEEP_CHUNK_MS / 1000)  # out of phase with the others
    await asyncio.sleep(max(0.0, started - time.monotonic()))
    for index in range(1_000_000):
        await ws.send(frame)
        await asyncio.sleep(max(0.0, started + (index + 1) * SWEEP_CHUNK_MS / 1000 - time.monotonic()))


async def _loop_lag(run: LevelRun) -> None:
    while True:
        before = time.monotonic()
        await asyncio.sleep(0.02)
        if run.measure_from <= time.monotonic() <= run.measure_until:
            run.lags_ms.append(1000 * (time.monotonic() - before - 0.02))


async def sweep_level(url: str, headers: dict[str, str], sessions: int, seconds: float) -> LevelRun:
    run, started, ready = LevelRun(), asyncio.Event(), []
    clients = [asyncio.create_task(_sweep_client(url, headers, run, started, ready)) for _ in range(sessions)]
    lag = asyncio.create_task(_loop_lag(run))
    try:
        while len(ready) < sessions:
            failed = [task for task in clients if task.done()]
            if failed:
                failed[0].result()
                raise RuntimeError("a session ended before the level started")
            await asyncio.sleep(0.05)
        run.measure_from = time.monotonic() + 1.0  # let the appends and replies settle into their rhythm
        run.measure_until = run.measure_from + seconds
        started.set()
        await asyncio.wait(clients, timeout=seconds + 30)
    finally:
        lag.cancel()
        for task in clients:
            task.cancel()
        await asyncio.gather(*clients, return_exceptions=True)
    return run


async def gateway_histogram(gateway: Endpoint) -> dict[str, dict[float, float]]:
    """Cumulative bucket counts of the gateway's forwarding histogram, by direction."""
    async with httpx.AsyncClient(timeout=10) as http:
        text = (await http.get(gateway.http_url + "/metrics")).text
    buckets: dict[str, dict[float, float]] = {}
    for family in text_string_to_metric_families(text):
        if family.name != FORWARD_METRIC:
            continue
        for sample in family.samples:
            if sample.name.endswith("_bucket"):
                buckets.setdefault(sample.labels["direction"], {})[float(sample.labels["le"])] = sample.value
    return buckets


def histogram_p95_ms(before: dict[float, float], after: dict[float, float]) -> float | None:
    """The upper bound of the bucket holding the 95th percentile of what was observed in between."""
    counts = sorted((bound, after.get(bound, 0.0) - before.get(bound, 0.0)) for bound in after)
    total = counts[-1][1] if counts else 0
    if total <= 0:
        return None
    return next(1000 * bound for bound, count in counts if count >= 0.95 * total)


async def sweep_phase(gateway: Endpoint, synthetic_port: int, options: BenchOptions, say: Say) -> dict[str, Any]:
    levels: list[dict[str, Any]] = []
    relayed_url, direct_url = f"{gateway.realtime_url}?model=eco", f"ws://127.0.0.1:{synthetic_port}/v1/realtime"
    auth = {"Authorization": f"Bearer {gateway.key}"}
    sessions = 1
    while sessions <= options.max_sessions:
        before = await gateway_histogram(gateway)
        relayed = await sweep_level(relayed_url, auth, sessions, options.sweep_seconds)
        after = await gateway_histogram(gateway)
        direct = await sweep_level(direct_url, {}, sessions, options.sweep_seconds)
        level = {"sessions": sessions, "relayed": stats_ms(relayed.delays_ms), "direct": stats_ms(direct.delays_ms),
                 "gateway_p95_ms": {direction: histogram_p95_ms(before.get(direction, {}), counts)
                                    for direction, counts in sorted(after.items())},
                 "harness_lag_p95_ms": stats_ms(relayed.lags_ms)["p95_ms"]}
        if not relayed.delays_ms or not direct.delays_ms:
            raise RuntimeError(f"no upstream events reached the clients at {sessions} sessions")
        levels.append(level)
        say(f"  {sessions:4d} sessions: relayed p95 {level['relayed']['p95_ms']:.1f} ms, "
            f"direct p95 {level['direct']['p95_ms']:.1f} ms, harness lag p95 {_ms(level['harness_lag_p95_ms'], 1)} ms")
        if level["relayed"]["p95_ms"] > options.limit_ms:
            break
        sessions = sessions * 2 if sessions < 64 else sessions + max(64, sessions // 4)
    within = [level["sessions"] for level in levels if level["relayed"]["p95_ms"] <= options.limit_ms]
    return {"limit_ms": options.limit_ms, "seconds_per_level": options.sweep_seconds, "levels": levels,
            "max_sessions_within_limit": max(within, default=0),
            "limit_passed": bool(levels) and levels[-1]["relayed"]["p95_ms"] > options.limit_ms}


# ── the whole benchmark ────────────────────────────────────────────────────────────────────────


def run(options: BenchOptions, output: Path, say: Say = print) -> dict[str, Any]:
    """Start B, the synthetic upstream and A, run both phases, write the results to `output` as JSON."""
    load_before = os.getloadavg()  # other work on the machine shows in every number below
    synthetic_port = free_port()
    synthetic = multiprocessing.get_context("spawn").Process(target=run_synthetic_upstream, args=(synthetic_port,),
                                                             daemon=True)
    synthetic.start()
    try:
        with tempfile.TemporaryDirectory(prefix="talkline-bench-relay-") as scratch, \
                _servers(Path(scratch), synthetic_port, options) as (upstream, gateway):
            say(f"first-audio latency: {options.turns} turns each way, alternating")
            latency = asyncio.run(latency_phase(upstream, gateway, options.turns, say))
            say(f"concurrent relayed sessions, until the p95 forwarding delay passes {options.limit_ms:g} ms")
            sweep = asyncio.run(sweep_phase(gateway, synthetic_port, options, say))
    finally:
        synthetic.terminate()
        synthetic.join(10)
    result = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                          "load_average_before": load_before, "load_average_after": os.getloadavg()},
              "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "latency": latency, "sweep": sweep}
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


@contextlib.contextmanager
def _servers(scratch: Path, synthetic_port: int, options: BenchOptions) -> Iterator[tuple[Endpoint, Endpoint]]:
    """Talkline B (local engines) and Talkline A (the relay), each with its own data folder."""
    with talkline_server(scratch / "upstream", {"TALKLINE_API_KEYS": UPSTREAM_KEY, "TALKLINE_MAX_SESSIONS": "8",
                                                "TALKLINE_LOG_LEVEL": "WARNING"}) as b:
        upstream = Endpoint(b.http_url, UPSTREAM_KEY)
        profiles = gateway_profiles(scratch / "profiles.toml", upstream, synthetic_port)
        env = {"TALKLINE_API_KEYS": GATEWAY_KEY, "TALKLINE_PROFILES_FILE": str(profiles), "TALKLINE_LOG_LEVEL": "WARNING",
               UPSTREAM_KEY_ENV: UPSTREAM_KEY, "TALKLINE_MAX_SESSIONS": str(options.max_sessions + 16)}
        with talkline_server(scratch / "gateway", env) as a:
            yield upstream, Endpoint(a.http_url, GATEWAY_KEY)


def stats_ms(values_ms: list[float]) -> dict[str, Any]:
    values = np.asarray(values_ms, dtype=float)
    if not values.size:
        return {"count": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}
    return {"count": int(values.size), "p50_ms": round(float(np.percentile(values, 50)), 1),
            "p95_ms": round(float(np.percentile(values, 95)), 1), "max_ms": round(float(values.max()), 1)}


def print_relay(result: dict[str, Any]) -> None:
    console = Console()
    latency = result["latency"]
    table = Table(title=f"First-audio latency, end of speech → first reply audio ({latency['turns']} turns each)")
    for column in ("path", "p50 ms", "p95 ms", "max ms"):
        table.add_column(column, justify="left" if column == "path" else "right")
    for path in ("direct", "relayed"):
        row = latency[path]
        table.add_row(path, _ms(row["p50_ms"]), _ms(row["p95_ms"]), _ms(row["max_ms"]))
    console.print(table)
    console.print(f"relayed / direct: p50 ×{latency['ratio_p50']}, p95 ×{latency['ratio_p95']} "
                  f"(p50 {latency['added_p50_ms']:+.0f} ms)")
    sweep = result["sweep"]
    table = Table(title=f"Forwarding delay, upstream send → client receipt (limit p95 {sweep['limit_ms']:g} ms)")
    for column in ("sessions", "relayed p50", "relayed p95", "direct p95", "gateway p95 ↓", "gateway p95 ↑",
                   "harness lag p95"):
        table.add_column(column, justify="right")
    for level in sweep["levels"]:
        gateway = level["gateway_p95_ms"]
        table.add_row(str(level["sessions"]), _ms(level["relayed"]["p50_ms"], 1), _ms(level["relayed"]["p95_ms"], 1),
                      _ms(level["direct"]["p95_ms"], 1), _ms(gateway.get("upstream_to_client"), 2),
                      _ms(gateway.get("client_to_upstream"), 2), _ms(level["harness_lag_p95_ms"], 1))
    console.print(table)
    console.print(f"relayed sessions within the limit: {sweep['max_sessions_within_limit']}"
                  + ("" if sweep["limit_passed"] else " (the largest level tried)"))


def _ms(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}"
