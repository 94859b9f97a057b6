"""One spoken turn over the Realtime WebSocket, streamed as a microphone would: 20 ms chunks at real
time, each sent when its 20 ms have been "recorded", silence before and after the speech until the
reply is done."""

from __future__ import annotations

import asyncio
import base64
import time
from dataclasses import dataclass, field
from typing import Any

from talkline.audio import Pcm
from talkline.bench.turns import CUT_IN_MARGIN_MS, TurnResult, Utterance, split_from_speech_end

CHUNK_MS = 20
LEAD_MS = 300  # the microphone is open a moment before the person speaks
GIVE_UP_S = 30.0  # after the end of speech: a turn that has no reply by then failed


@dataclass
class _Heard:
    """What the client received, with its own receive times (monotonic seconds)."""

    stops: list[tuple[float, float]] = field(default_factory=list)  # (audio_end_ms, received at)
    first_audio: float | None = None
    done: Any = None
    transcript: str = ""
    finished: asyncio.Event = field(default_factory=asyncio.Event)


async def realtime_turn(url: str, mode: str, utterance: Utterance, turn_detection: dict[str, Any], *,
                        speculate: bool = True) -> TurnResult:
    from openai import AsyncOpenAI

    client = AsyncOpenAI(base_url=url + "/v1", api_key="bench", websocket_base_url=url.replace("http", "ws") + "/v1")
    speech_end_ms = LEAD_MS + utterance.audio.duration_ms  # on the session's audio clock
    heard = _Heard()
    query = {"speculate": "on" if speculate else "off"}
    async with client.realtime.connect(model=utterance.profile, extra_query=query) as conn:
        await conn.session.update(session={"type": "realtime", "audio": {"input": {
            "transcription": {"model": "whisper-1", "language": utterance.language},
            "turn_detection": turn_detection}}})
        reader = asyncio.create_task(_listen(conn, heard, speech_end_ms))
        started = await _stream(conn, utterance.audio, heard)
        reader.cancel()
    speech_end = started + speech_end_ms / 1000
    return _result(mode, utterance, heard, speech_end, speech_end_ms)


async def _stream(conn: Any, speech: Pcm, heard: _Heard) -> float:
    """Lead silence, speech, then silence until the reply is done; returns when streaming started."""
    audio = Pcm.silence(LEAD_MS, speech.rate) + speech
    step = speech.rate * CHUNK_MS // 1000 * 2
    started = time.monotonic()
    deadline = started + (LEAD_MS + speech.duration_ms) / 1000 + GIVE_UP_S
    sent = 0
    while not heard.finished.is_set() and time.monotonic() < deadline:
        await asyncio.sleep(max(0.0, started + (sent + step) / 2 / speech.rate - time.monotonic()))
        chunk = audio.data[sent:sent + step]
        await conn.input_audio_buffer.append(audio=base64.b64encode(chunk + bytes(step - len(chunk))).decode())
        sent += step
    return started


async def _listen(conn: Any, heard: _Heard, speech_end_ms: float) -> None:
    final_turn_committed = False
    while True:
        event = await conn.recv()
        now = time.monotonic()
        if event.type == "input_audio_buffer.speech_stopped":
            heard.stops.append((float(event.audio_end_ms), now))
            final_turn_committed = event.audio_end_ms >= speech_end_ms - CUT_IN_MARGIN_MS
        elif event.type == "response.output_audio.delta" and heard.first_audio is None and final_turn_committed:
            heard.first_audio = now
        elif event.type == "conversation.item.input_audio_transcription.completed" and final_turn_committed:
            heard.transcript = event.transcript
        elif event.type == "response.done" and final_turn_committed:
            heard.done = event
            heard.finished.set()
            return


def _result(mode: str, utterance: Utterance, heard: _Heard, speech_end: float, speech_end_ms: float
            ) -> TurnResult:
    result = TurnResult(mode, utterance.text, utterance.profile, utterance.language, utterance.audio.duration_ms,
                        None, transcript=heard.transcript)
    result.cut_in = any(end_ms < speech_end_ms - CUT_IN_MARGIN_MS for end_ms, _ in heard.stops)
    if heard.done is None or heard.first_audio is None:
        result.error = "no reply" if heard.stops else "the turn never ended"
        return result
    result.end_to_first_audio_ms = round(1000 * (heard.first_audio - speech_end), 1)
    timings = dict(getattr(heard.done.response, "timings", None) or {})
    result.server = timings
    result.stages = split_from_speech_end(1000 * (heard.stops[-1][1] - speech_end), timings,
                                          result.end_to_first_audio_ms)
    return result
