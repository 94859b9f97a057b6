"""`talkline bench latency`: spoken turns streamed at real-time pace through the Realtime WebSocket.

Measures, per turn, the end of the user's speech (the last speech sample sent) to the first
`response.output_audio.delta`, and the server's own split from `response.done.timings`
(end-of-turn wait, STT, agent first token, TTS first audio). Each mode runs on its own server in
the same run, turns interleaved, so modes are compared under the same machine load.
"""

from __future__ import annotations

import asyncio
import base64
import json
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from talkline.audio import Pcm
from talkline.bench.processes import ServerProcess, talkline_server
from talkline.bench.speech import english_utterances

CHUNK_MS = 20
MODES = {
    "early transcription (default)": {},
    "transcribe after the turn ends": {"TALKLINE_EARLY_TRANSCRIPTION": "false"},
}


@dataclass
class Turn:
    mode: str
    text: str
    speech_ms: float
    end_to_first_audio_ms: float | None
    server: dict[str, float] = field(default_factory=dict)
    transcript: str = ""


def percentile(values: list[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


async def run_turn(url: str, mode: str, speech: Pcm, text: str, silence_ms: int) -> Turn:
    from openai import AsyncOpenAI

    client = AsyncOpenAI(base_url=url + "/v1", api_key="bench", websocket_base_url=url.replace("http", "ws") + "/v1")
    async with client.realtime.connect(model="eco") as conn:
        await conn.session.update(session={"type": "realtime", "audio": {"input": {
            "transcription": {"model": "whisper-1", "language": "en"},
            "turn_detection": {"type": "server_vad", "silence_duration_ms": silence_ms}}}})
        reader = asyncio.create_task(_first_audio_and_done(conn))
        speech_end = await _stream_like_a_microphone(conn, speech, reader)
        first_audio, done, transcript = await reader
    server = dict(getattr(done.response, "timings", None) or {}) if done else {}
    return Turn(mode, text, speech.duration_ms, round(1000 * (first_audio - speech_end), 1) if first_audio else None,
                server, transcript)


async def _stream_like_a_microphone(conn: Any, speech: Pcm, reader: asyncio.Task[Any]) -> float:
    """Speech, then silence, in 20 ms chunks at real time until the reply is done; returns when speech ended."""
    step = speech.rate * CHUNK_MS // 1000 * 2
    data = speech.data
    started = time.monotonic()
    sent, speech_end = 0, 0.0
    while not reader.done():
        chunk = data[sent:sent + step] if sent < len(data) else bytes(step)
        await conn.input_audio_buffer.append(audio=base64.b64encode(chunk).decode())
        sent += step
        if sent >= len(data) and not speech_end:
            speech_end = time.monotonic()
        await asyncio.sleep(max(0.0, started + sent / 2 / speech.rate - time.monotonic()))
        if time.monotonic() - started > 60:
            break
    return speech_end


async def _first_audio_and_done(conn: Any) -> tuple[float | None, Any, str]:
    first_audio, transcript = None, ""
    while True:
        event = await asyncio.wait_for(conn.recv(), 60)
        if event.type == "response.output_audio.delta" and first_audio is None:
            first_audio = time.monotonic()
        elif event.type == "conversation.item.input_audio_transcription.completed":
            transcript = event.transcript
        elif event.type == "response.done":
            return first_audio, event, transcript


def session_memory_mb(server: ServerProcess, sessions: int = 8) -> float:
    """Resident memory added per open, listening session (each streaming silence)."""

    async def hold() -> float:
        from openai import AsyncOpenAI

        client = AsyncOpenAI(base_url=server.http_url + "/v1", api_key="bench",
                             websocket_base_url=server.ws_url + "/v1")
        before = _rss_mb(server)
        async with _connections(client, sessions) as connections:
            for _ in range(50):  # 1 s of microphone silence on every session
                await asyncio.gather(*(c.input_audio_buffer.append(audio=base64.b64encode(bytes(960)).decode())
                                       for c in connections))
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.5)
            after = _rss_mb(server)
        return (after - before) / sessions

    return asyncio.run(hold())


class _connections:
    def __init__(self, client: Any, count: int) -> None:
        self.client, self.count, self.managers, self.connections = client, count, [], []

    async def __aenter__(self) -> list[Any]:
        for _ in range(self.count):
            manager = self.client.realtime.connect(model="eco")
            self.managers.append(manager)
            connection = await manager.__aenter__()
            await connection.recv()
            self.connections.append(connection)
        return self.connections

    async def __aexit__(self, *exc: object) -> None:
        for manager in self.managers:
            await manager.__aexit__(None, None, None)


def _rss_mb(server: ServerProcess) -> float:
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def summarize(turns: list[Turn]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for mode in dict.fromkeys(t.mode for t in turns):
        mine = [t for t in turns if t.mode == mode]
        totals = [t.end_to_first_audio_ms for t in mine if t.end_to_first_audio_ms is not None]
        stages = {}
        for stage in ("committed", "stt_done", "first_token", "first_audio"):
            values = [t.server[stage] for t in mine if stage in t.server]
            stages[stage] = {"p50": percentile(values, 50), "p95": percentile(values, 95)}
        split = {}
        for name, (start, end) in {"end_of_turn_wait": (None, "committed"), "stt": ("committed", "stt_done"),
                                   "agent_first_token": ("stt_done", "first_token"),
                                   "tts_first_audio": ("first_token", "first_audio")}.items():
            values = [t.server[end] - (t.server[start] if start else 0.0) for t in mine
                      if end in t.server and (start is None or start in t.server)]
            split[name] = {"p50": percentile(values, 50), "p95": percentile(values, 95)}
        summary[mode] = {"turns": len(mine), "failed": len(mine) - len(totals),
                         "end_of_speech_to_first_audio_ms": {"p50": percentile(totals, 50),
                                                             "p95": percentile(totals, 95),
                                                             "mean": statistics.fmean(totals) if totals else None},
                         "server_stage_ms": stages, "split_ms": split}
    return summary


def run(turns_per_mode: int = 20, silence_ms: int = 500, output: Path | None = None) -> dict[str, Any]:
    utterances = list(_cycle(english_utterances(), turns_per_mode))
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="talkline-bench-")))
        servers = {mode: stack.enter_context(talkline_server(work / str(index), env))
                   for index, (mode, env) in enumerate(MODES.items())}
        turns: list[Turn] = []
        for text, speech in utterances:
            for mode, server in servers.items():  # interleaved: both modes see the same machine load
                turns.append(asyncio.run(run_turn(server.http_url, mode, speech, text, silence_ms)))
        memory = session_memory_mb(next(iter(servers.values())))
    result = {"benchmark": "latency", "date": time.strftime("%Y-%m-%d %H:%M:%S"), "silence_duration_ms": silence_ms,
              "chunk_ms": CHUNK_MS, "machine": _machine(), "summary": summarize(turns),
              "memory_per_session_mb": round(memory, 2), "turns": [asdict(t) for t in turns]}
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return result


def _cycle(items: list[tuple[str, Pcm]], count: int) -> Iterator[tuple[str, Pcm]]:
    for index in range(count):
        yield items[index % len(items)]


def _machine() -> dict[str, Any]:
    import os
    import platform

    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
