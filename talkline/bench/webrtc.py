"""`talkline bench webrtc`: what calling over WebRTC costs next to the WebSocket, in one run.

A `talkline serve` process on the fake engines (model-free and deterministic, so the transports are what
differs) answers the same spoken questions, alternating a WebSocket turn and a WebRTC turn, each on a
fresh connection. Both clients stream the question at real time in 20 ms frames followed by silence;
latency runs from the moment the last voiced frame left the client to the first reply audio it
received: the first `response.output_audio.delta` on the WebSocket, the first voiced frame decoded from
the server's Opus track on WebRTC (so the WebRTC figure includes the server's real-time playout and the
client's jitter buffer, as a listener hears it)."""

from __future__ import annotations

import asyncio
import base64
import datetime
import json
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from websockets.asyncio.client import connect

from talkline.audio import Pcm
from talkline.bench.processes import talkline_server
from talkline.bench.speech import QUESTIONS
from talkline.bench.webrtc_client import VOICED_PEAK, open_call
from talkline.engines.fake import tones

KEY = "tl-bench-webrtc"
RATE = 24000
FRAME_MS = 20
GIVE_UP_S = 30.0
Say = Callable[[str], None]


def run(turns: int, output: Path, say: Say = print) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as data_dir, talkline_server(Path(data_dir), {
            "TALKLINE_ENGINES": "fake", "TALKLINE_API_KEYS": KEY, "TALKLINE_WARM_UP": "false"},
            timeout_s=300) as server:
        latencies = asyncio.run(_measure(server.http_url, server.ws_url, turns, say))
    result = _result(latencies, turns)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    from talkline.bench.plot import write_transport_svg

    write_transport_svg(result, output.with_suffix(".svg"))
    return result


async def _measure(http_url: str, ws_url: str, turns: int, say: Say) -> dict[str, list[float | None]]:
    latencies: dict[str, list[float | None]] = {"websocket": [], "webrtc": []}
    await _webrtc_turn(http_url, QUESTIONS[0], give_up_s=120)  # warm-up: eco's index loads on the first question
    await _websocket_turn(ws_url, QUESTIONS[0])
    for turn in range(turns):
        question = QUESTIONS[turn % len(QUESTIONS)]
        for transport in ("websocket", "webrtc") if turn % 2 == 0 else ("webrtc", "websocket"):
            ms = await (_websocket_turn(ws_url, question) if transport == "websocket"
                        else _webrtc_turn(http_url, question))
            latencies[transport].append(ms)
            say(f"turn {turn + 1}/{turns} {transport}: {'failed' if ms is None else f'{ms:.0f} ms'}")
    return latencies


async def _webrtc_turn(http_url: str, question: str, give_up_s: float = GIVE_UP_S) -> float | None:
    async with open_call(http_url, KEY, model="eco") as call:
        await call.wait_for("session.created")
        await asyncio.sleep(0.3)  # the microphone is open a moment before the person speaks
        call.microphone.say(tones.encode(question, RATE))
        await asyncio.wait_for(call.microphone.spoken.wait(), GIVE_UP_S)
        sent = call.microphone.last_voiced_sent or time.monotonic()
        heard = await call.speaker.wait_voiced_after(sent, give_up_s)
    return None if heard is None else (heard - sent) * 1000


async def _websocket_turn(ws_url: str, question: str) -> float | None:
    speech = Pcm.silence(300, RATE) + tones.encode(question, RATE)
    step = RATE * FRAME_MS // 1000 * 2
    async with connect(f"{ws_url}/v1/realtime?model=eco", additional_headers={"Authorization": f"Bearer {KEY}"},
                       max_size=None, compression=None) as socket:
        first_audio: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        reader = asyncio.create_task(_first_audio(socket, first_audio))
        started, sent, last_voiced = time.monotonic(), 0, time.monotonic()
        while not first_audio.done() and time.monotonic() - last_voiced < GIVE_UP_S:
            await asyncio.sleep(max(0.0, started + sent / 2 / RATE - time.monotonic()))
            chunk = speech.data[sent:sent + step]
            await socket.send(json.dumps({"type": "input_audio_buffer.append",
                                          "audio": base64.b64encode(chunk + bytes(step - len(chunk))).decode()}))
            sent += step
            if chunk and sent >= len(speech.data):
                last_voiced = time.monotonic()
        reader.cancel()
    return (first_audio.result() - last_voiced) * 1000 if first_audio.done() else None


async def _first_audio(socket: Any, first: asyncio.Future[float]) -> None:
    """The first reply audio that is not silence (as on the WebRTC side)."""
    async for message in socket:
        event = json.loads(message)
        if event.get("type") == "response.output_audio.delta" and _voiced(base64.b64decode(event["delta"])):
            first.set_result(time.monotonic())
            return


def _voiced(pcm16: bytes) -> bool:
    samples = np.frombuffer(pcm16[:len(pcm16) - len(pcm16) % 2], dtype="<i2")
    return bool(samples.size) and int(np.abs(samples).max()) > VOICED_PEAK


def _result(latencies: dict[str, list[float | None]], turns: int) -> dict[str, Any]:
    summary = {transport: _stats(values) for transport, values in latencies.items()}
    added = (summary["webrtc"]["p50"] - summary["websocket"]["p50"]
             if summary["webrtc"]["p50"] is not None and summary["websocket"]["p50"] is not None else None)
    return {
        "benchmark": "webrtc", "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "python": platform.python_version()},
        "engines": "fake", "turns_per_transport": turns,
        "measure": "last voiced sample sent -> first reply audio received (ms)",
        "summary": summary, "webrtc_added_p50_ms": added,
        "turns": {transport: values for transport, values in latencies.items()},
    }


def _stats(values: list[float | None]) -> dict[str, Any]:
    done = sorted(v for v in values if v is not None)
    if not done:
        return {"n": 0, "failed": len(values), "p50": None, "p95": None, "mean": None}
    p95 = done[min(len(done) - 1, round(0.95 * (len(done) - 1)))]
    return {"n": len(done), "failed": len(values) - len(done), "p50": round(statistics.median(done), 1),
            "p95": round(p95, 1), "mean": round(statistics.fmean(done), 1)}


def print_webrtc(result: dict[str, Any], say: Say = print) -> None:
    for transport, stats in result["summary"].items():
        say(f"{transport:>9}: p50 {stats['p50']} ms, p95 {stats['p95']} ms ({stats['n']} turns, {stats['failed']} failed)")
    say(f"WebRTC adds {result['webrtc_added_p50_ms']} ms at p50")
