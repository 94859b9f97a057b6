"""`talkline bench soak`: a server under steady mixed load for a long time, watched from outside.

One real `talkline serve` process (embedded jobs; fake engines by default, so the figure is about the
server, not the models) holds `sessions` Realtime sessions that each ask a text turn every few seconds,
takes a chat job every `job_every_s` followed by `readers` SSE readers each, and goes through `cycles`
connect/disconnect cycles in which the client hangs up in the middle of a reply. Every `sample_every_s`
the server's resident memory, threads and open file descriptors are sampled with the reply latency of
that interval. Memory growth is measured from the end of the warm-up to the end of the run.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from talkline.bench.processes import ServerProcess, talkline_server

KEY = "soak-key"
FLAT_WITHIN_PCT = 5.0
IDLE_S = 15.0  # after the load stops, before the last sample: every session and stream closed
FAKE_PROFILES = """
[profiles.eco.agent]
kind = "fake"

[profiles.eco.tts]
kind = "fake"
pace = 0.05
"""
QUESTION = "Where do I throw away an empty plastic water bottle and an old battery?"


@dataclass(frozen=True)
class SoakOptions:
    duration_s: float = 600.0
    sessions: int = 8
    session_turns: int = 0  # a session hangs up and reconnects after this many turns (0: held all run)
    turn_every_s: float = 3.0
    job_every_s: float = 5.0
    readers: int = 3
    cycles: int = 1000
    sample_every_s: float = 10.0
    warmup_s: float = 300.0
    engines: str = "fake"
    session_max_s: int = 0  # the server's session_max_seconds (0: its default, an hour)


class SessionExpired(Exception):
    """The server ended the session at its maximum duration, as it should; the client opens another."""


@dataclass
class Tally:
    """What the load generators saw since the last sample (latencies) and in total (counts)."""

    latencies_ms: list[float] = field(default_factory=list)
    turns: int = 0
    turn_failures: int = 0
    failure_reasons: dict[str, int] = field(default_factory=dict)  # "ExceptionType: message" → how often
    session_expiries: int = 0  # sessions ended by session_max_seconds (expected, not failures)
    jobs: int = 0
    job_failures: int = 0
    sse_reads: int = 0
    sse_incomplete: int = 0
    cycles: int = 0
    cycle_failures: int = 0

    def take_latencies(self) -> list[float]:
        taken, self.latencies_ms = self.latencies_ms, []
        return taken

    def failed(self, exc: BaseException) -> None:
        self.turn_failures += 1
        reason = f"{type(exc).__name__}: {exc}"[:200]
        self.failure_reasons[reason] = self.failure_reasons.get(reason, 0) + 1


def run(options: SoakOptions, output: Path | None = None, say: Callable[[str], None] = print) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="talkline-bench-soak-") as work:
        with talkline_server(Path(work) / "server", _server_env(Path(work), options)) as server:
            say(f"soaking {server.http_url} for {options.duration_s:g} s")
            samples, tally = asyncio.run(_soak(server, options, say))
    result = summarize(options, samples, tally)
    if output:
        from talkline.bench.soak_plot import write_soak_svg

        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, indent=2))
        write_soak_svg(result, output.with_suffix(".svg"))
    return result


def _server_env(work: Path, options: SoakOptions) -> dict[str, str]:
    env = {"TALKLINE_API_KEYS": KEY, "TALKLINE_WARM_UP": "false", "TALKLINE_ENGINES": options.engines,
           "TALKLINE_MAX_SESSIONS": "64"}
    if options.session_max_s:
        env["TALKLINE_SESSION_MAX_SECONDS"] = str(options.session_max_s)
    if options.engines == "fake":
        profiles = work / "profiles.toml"
        profiles.write_text(FAKE_PROFILES, encoding="utf-8")
        env["TALKLINE_PROFILES_FILE"] = str(profiles)
    return env


async def _soak(server: ServerProcess, options: SoakOptions, say: Callable[[str], None]
                ) -> tuple[list[dict[str, Any]], Tally]:
    tally = Tally()
    deadline = time.monotonic() + options.duration_s
    loads = [asyncio.create_task(_session(server, options, tally, deadline)) for _ in range(options.sessions)]
    loads.append(asyncio.create_task(_jobs(server, options, tally, deadline)))
    loads.append(asyncio.create_task(_cycles(server, options, tally, deadline)))
    samples = await _sample(server, options, tally, deadline, say)
    await asyncio.gather(*loads)
    await asyncio.sleep(IDLE_S)
    samples.append({"t_s": round(options.duration_s + IDLE_S, 1), "idle": True, **process_stats(server.process.pid),
                    **_latency_stats([])})
    say(f"  idle {IDLE_S:g} s after the load stopped: rss {samples[-1]['rss_mb']} MB, threads "
        f"{samples[-1]['threads']}, fds {samples[-1]['fds']}")
    return samples, tally


async def _sample(server: ServerProcess, options: SoakOptions, tally: Tally, deadline: float,
                  say: Callable[[str], None]) -> list[dict[str, Any]]:
    started = time.monotonic()
    samples = []
    while (now := time.monotonic()) < deadline:
        await asyncio.sleep(min(options.sample_every_s, max(0.0, deadline - now)))
        sample = {"t_s": round(time.monotonic() - started, 1), **process_stats(server.process.pid),
                  **_latency_stats(tally.take_latencies())}
        samples.append(sample)
        say(f"  t={sample['t_s']:>6.0f} s  rss {sample['rss_mb']:7.1f} MB  threads {sample['threads']:3d}  "
            f"fds {sample['fds']:4d}  reply p50 {sample['reply_p50_ms']} ms  cycles {tally.cycles}")
    return samples


def process_stats(pid: int) -> dict[str, Any]:
    """Resident memory (MB), threads and open file descriptors of a process, from /proc."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {"rss_mb": round(int(fields["VmRSS"].split()[0]) / 1024, 1), "threads": int(fields["Threads"]),
            "fds": len(list(Path(f"/proc/{pid}/fd").iterdir()))}


def _latency_stats(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"replies": 0, "reply_p50_ms": None, "reply_p95_ms": None}
    return {"replies": len(values), "reply_p50_ms": round(float(np.percentile(values, 50)), 1),
            "reply_p95_ms": round(float(np.percentile(values, 95)), 1)}


async def _session(server: ServerProcess, options: SoakOptions, tally: Tally, deadline: float) -> None:
    """A Realtime session asking a text turn every `turn_every_s`, for the whole run or for
    `session_turns` turns at a time; reconnects when it drops or hangs up."""
    while time.monotonic() < deadline:
        try:
            async with _realtime(server) as ws:
                turns = 0
                while time.monotonic() < deadline and (not options.session_turns or turns < options.session_turns):
                    tally.latencies_ms.append(await _turn(ws))
                    tally.turns += 1
                    turns += 1
                    await asyncio.sleep(options.turn_every_s)
        except (SessionExpired, OSError, TimeoutError, ValueError, RuntimeError, ConnectionClosed) as exc:
            if _expired(exc):
                tally.session_expiries += 1
                continue
            tally.failed(exc)
            await asyncio.sleep(1.0)


def _expired(exc: BaseException) -> bool:
    """The session ended at its maximum duration: an error event said so, or (between turns) its close frame."""
    if isinstance(exc, ConnectionClosed):
        return exc.rcvd is not None and exc.rcvd.code == 1000 and exc.rcvd.reason == "session expired"
    return isinstance(exc, SessionExpired)


def _realtime(server: ServerProcess) -> Any:
    return connect(f"{server.ws_url}/v1/realtime?model=eco", additional_headers={"Authorization": f"Bearer {KEY}"},
                   max_size=16 * 1024 * 1024, open_timeout=30)


async def _ask(ws: ClientConnection, text: str) -> float:
    await ws.send(json.dumps({"type": "conversation.item.create", "item": {
        "type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}}))
    await ws.send(json.dumps({"type": "response.create"}))
    return time.monotonic()


async def _turn(ws: ClientConnection) -> float:
    """Milliseconds from `response.create` to the first reply audio; reads on to `response.done`."""
    asked = await _ask(ws, QUESTION)
    first: float | None = None
    async with asyncio.timeout(60):
        while True:
            event = json.loads(await ws.recv())
            if event["type"] == "response.output_audio.delta" and first is None:
                first = time.monotonic()
            elif event["type"] == "error" and event["error"].get("code") == "session_expired":
                raise SessionExpired(event["error"].get("message"))
            elif event["type"] == "error":
                raise RuntimeError(f"error event: {event.get('error')}")
            elif event["type"] == "response.done":
                return 1000 * ((first or time.monotonic()) - asked)


async def _jobs(server: ServerProcess, options: SoakOptions, tally: Tally, deadline: float) -> None:
    readers: set[asyncio.Task[None]] = set()
    async with httpx.AsyncClient(base_url=server.http_url, headers={"Authorization": f"Bearer {KEY}"},
                                 timeout=120) as http:
        while time.monotonic() < deadline:
            task = asyncio.create_task(_one_job(http, options.readers, tally))
            readers.add(task)
            task.add_done_callback(readers.discard)
            await asyncio.sleep(options.job_every_s)
        await asyncio.gather(*readers, return_exceptions=True)


async def _one_job(http: httpx.AsyncClient, readers: int, tally: Tally) -> None:
    tally.jobs += 1
    try:
        response = await http.post("/v1/chat", json={"session_id": "soak", "message": QUESTION})
        response.raise_for_status()
        streams = await asyncio.gather(*(_read_stream(http, response.json()["stream_url"]) for _ in range(readers)))
    except (httpx.HTTPError, TimeoutError):
        tally.job_failures += 1
        return
    tally.sse_reads += len(streams)
    tally.sse_incomplete += sum(1 for stream in streams if not _complete(stream))


def _complete(stream: list[tuple[str, str]]) -> bool:
    """Every event once, in order, ending with one `done`."""
    ids = [int(event_id.split("-")[0]) for event_id, _ in stream]
    names = [name for _, name in stream]
    return bool(names) and names[-1] == "done" and names.count("done") == 1 and ids == sorted(set(ids))


async def _read_stream(http: httpx.AsyncClient, url: str) -> list[tuple[str, str]]:
    """(id, event name) of every event of a job's SSE stream, up to its terminal event."""
    events: list[tuple[str, str]] = []
    event_id = ""
    async with http.stream("GET", url, timeout=120) as stream:
        async for line in stream.aiter_lines():
            if line.startswith("id:"):
                event_id = line.split(":", 1)[1].strip()
            elif line.startswith("event:"):
                events.append((event_id, line.split(":", 1)[1].strip()))
                if events[-1][1] in ("done", "error"):
                    break
    return events


async def _cycles(server: ServerProcess, options: SoakOptions, tally: Tally, deadline: float) -> None:
    """`cycles` connections spread evenly over the run, each hanging up at the first reply audio."""
    interval = 0.95 * options.duration_s / max(options.cycles, 1)
    started = time.monotonic()
    while tally.cycles + tally.cycle_failures < options.cycles and time.monotonic() < deadline:
        await asyncio.sleep(max(0.0, started + interval * (tally.cycles + tally.cycle_failures) - time.monotonic()))
        try:
            async with asyncio.timeout(30), _realtime(server) as ws:
                await _ask(ws, QUESTION)
                while json.loads(await ws.recv())["type"] != "response.output_audio.delta":
                    pass
            tally.cycles += 1  # closed mid-response: the server must drop the reply and free the session
        except (OSError, TimeoutError, ValueError):
            tally.cycle_failures += 1


def summarize(options: SoakOptions, samples: list[dict[str, Any]], tally: Tally) -> dict[str, Any]:
    idle = [s for s in samples if s.get("idle")]
    samples = [s for s in samples if not s.get("idle")]
    warm = [s for s in samples if s["t_s"] >= options.warmup_s] or samples
    edge = max(1, len(warm) // 10)
    start_rss = float(np.median([s["rss_mb"] for s in warm[:edge]]))
    end_rss = float(np.median([s["rss_mb"] for s in warm[-edge:]]))
    growth = round(100 * (end_rss - start_rss) / start_rss, 2)
    replies = [s for s in samples if s["reply_p50_ms"] is not None]
    counts = {k: v for k, v in asdict(tally).items() if k != "latencies_ms"}
    return {"benchmark": "soak", "date": time.strftime("%Y-%m-%d %H:%M:%S"), "options": asdict(options),
            "memory": {"after_warmup_mb": round(start_rss, 1), "at_end_mb": round(end_rss, 1), "growth_pct": growth,
                       "flat": abs(growth) <= FLAT_WITHIN_PCT, "target_pct": FLAT_WITHIN_PCT,
                       "idle_after_load_mb": idle[0]["rss_mb"] if idle else None},
            "idle_after_load": idle[0] if idle else None,
            "threads": {"min": min(s["threads"] for s in samples), "max": max(s["threads"] for s in samples)},
            "fds": {"min": min(s["fds"] for s in samples), "max": max(s["fds"] for s in samples),
                    "after_warmup": warm[0]["fds"], "at_end": warm[-1]["fds"]},
            "reply_ms": {"median_of_p50": _median(r["reply_p50_ms"] for r in replies),
                         "median_of_p95": _median(r["reply_p95_ms"] for r in replies),
                         "worst_p95": max((r["reply_p95_ms"] for r in replies), default=None)},
            "counts": counts, "samples": samples}


def _median(values: Any) -> float | None:
    listed = list(values)
    return round(float(np.median(listed)), 1) if listed else None


def print_soak(result: dict[str, Any], say: Callable[[str], None] = print) -> None:
    memory, counts = result["memory"], result["counts"]
    say(f"memory after warm-up {memory['after_warmup_mb']} MB, at the end {memory['at_end_mb']} MB: "
        f"{memory['growth_pct']:+.2f} % ({'flat' if memory['flat'] else 'NOT flat'} within {memory['target_pct']} %)")
    say(f"threads {result['threads']['min']}–{result['threads']['max']}, "
        f"fds {result['fds']['min']}–{result['fds']['max']}")
    say(f"reply latency: median p50 {result['reply_ms']['median_of_p50']} ms, "
        f"median p95 {result['reply_ms']['median_of_p95']} ms, worst p95 {result['reply_ms']['worst_p95']} ms")
    say(f"turns {counts['turns']} ({counts['turn_failures']} failed, {counts['session_expiries']} sessions "
        f"reached their maximum duration), jobs {counts['jobs']} "
        f"({counts['job_failures']} failed, {counts['sse_reads']} SSE reads, {counts['sse_incomplete']} incomplete), "
        f"connect/disconnect cycles {counts['cycles']} ({counts['cycle_failures']} failed)")
    for reason, times in counts["failure_reasons"].items():
        say(f"  turn failure ×{times}: {reason}")
