"""The input side of a session: wire audio in, buffered on the session clock, turns detected, and
speech transcribed early.

Transcription starts when the user pauses, not when the silence timeout ends the turn: if the
turn does end there, its transcript is (nearly) ready the moment it is committed; if the user
goes on speaking, the early result is dropped. With `semantic_vad`, the end-of-turn model judges
each pause while it lasts; its verdict is awaited, if not in yet, at the frame where it is due, so
the outcome depends on the audio alone, not on how fast the model ran.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from talkline.audio import Pcm
from talkline.audio.echo import EchoDetector
from talkline.audio.resample import RateMatcher
from talkline.audio.wire_formats import PCM16, WireFormat, decode_wire
from talkline.engines.base import EndOfTurnModel, EngineError, Transcription, VoiceActivityStream
from talkline.realtime.turn_taking import (
    Paused,
    Resumed,
    SpeechStopped,
    TurnCheck,
    TurnDetector,
    TurnEvent,
    VadSettings,
)

log = logging.getLogger(__name__)

RATE = 16000
FRAME_SAMPLES = 512
FRAME_BYTES = FRAME_SAMPLES * 2
FRAME_MS = 1000 * FRAME_SAMPLES / RATE
IDLE_BUFFER_MS = 2000  # with VAD on, audio older than this and outside speech is dropped

Transcriber = Callable[[Pcm], Awaitable[Transcription]]


class InputBuffer:
    """16 kHz audio since the last commit or clear, addressed in session milliseconds."""

    def __init__(self) -> None:
        self._data = bytearray()
        self.start_ms = 0.0

    @property
    def end_ms(self) -> float:
        return self.start_ms + len(self._data) / 2 / RATE * 1000

    @property
    def duration_ms(self) -> float:
        return self.end_ms - self.start_ms

    def append(self, pcm16k: bytes) -> None:
        self._data += pcm16k

    def slice(self, start_ms: float, end_ms: float) -> Pcm:
        return Pcm(bytes(self._data[self._offset(start_ms):self._offset(end_ms)]), RATE)

    def drop_until(self, ms: float) -> None:
        cut = self._offset(ms)
        del self._data[:cut]
        self.start_ms += cut / 2 / RATE * 1000

    def clear(self) -> None:
        self.drop_until(self.end_ms)

    def _offset(self, ms: float) -> int:
        return max(0, min(len(self._data), int((ms - self.start_ms) * RATE / 1000) * 2))


@dataclass
class Utterance:
    audio: Pcm
    start_ms: float
    end_ms: float
    transcript: asyncio.Task[Transcription]


class Listener:
    def __init__(self, vad: VoiceActivityStream, transcribe: Transcriber, echo: EchoDetector,
                 assistant_audible: Callable[[], bool], *, early: bool = True,
                 turn_model: EndOfTurnModel | None = None) -> None:
        self.format: WireFormat = PCM16
        self.vad_settings: VadSettings | None = VadSettings()
        self.buffer = InputBuffer()
        self._vad = vad
        self._transcribe = transcribe
        self._echo = echo
        self._assistant_audible = assistant_audible
        self._early_enabled = early
        self.turn_model = turn_model
        self._detector = TurnDetector(VadSettings(), FRAME_MS)
        self._to16k = RateMatcher(RATE)
        self._frame_rest = b""
        self._early: tuple[float, float, asyncio.Task[Transcription]] | None = None
        self._verdict: asyncio.Task[float] | None = None

    def configure(self, fmt: WireFormat, vad: VadSettings | None) -> None:
        if fmt != self.format:
            self._to16k.reset()
        self.format, self.vad_settings = fmt, vad
        if vad is not None:
            self._detector.configure(vad)

    async def append(self, wire: bytes) -> list[TurnEvent]:
        pcm16k = self._to16k.push(decode_wire(self.format, wire))
        self.buffer.append(pcm16k.data)
        data, self._frame_rest = self._frame_rest + pcm16k.data, b""
        whole = len(data) - len(data) % FRAME_BYTES
        self._frame_rest = data[whole:]
        frames = [data[i:i + FRAME_BYTES] for i in range(0, whole, FRAME_BYTES)]
        if self.vad_settings is None:
            self._detector.skip(FRAME_MS * len(frames))
            return []
        probabilities = await self._vad.probabilities(data[:whole])
        events: list[TurnEvent] = []
        for frame, probability in zip(frames, probabilities, strict=False):
            echo = self._echo.similarity(frame)
            for event in self._detector.process(probability, assistant_speaking=self._assistant_audible(), echo=echo):
                events.append(event)
                if isinstance(event, TurnCheck):
                    self._judge(event)
            if self._detector.verdict_due:
                events += self._detector.decide(await self._take_verdict())
        for event in events:
            self._speculate(event)
        if not self._detector.in_speech and not events:
            self.buffer.drop_until(self.buffer.end_ms - IDLE_BUFFER_MS)
        return events

    @property
    def in_speech(self) -> bool:
        return self._detector.in_speech

    @property
    def early_transcript(self) -> asyncio.Task[Transcription] | None:
        """The transcript of the utterance so far, started at the user's pause (None if not paused)."""
        return self._early[2] if self._early else None

    @property
    def now_ms(self) -> float:
        return self.buffer.end_ms

    def _judge(self, check: TurnCheck) -> None:
        """Start the end-of-turn model on a pause (its verdict is taken when due)."""
        self._drop_verdict()
        if self.turn_model is not None:
            audio = self.buffer.slice(check.start_ms, check.end_ms)
            self._verdict = asyncio.create_task(self.turn_model.complete_probability(audio), name="end of turn")
            self._verdict.add_done_callback(_consume_exception)

    async def _take_verdict(self) -> float | None:
        verdict, self._verdict = self._verdict, None
        if verdict is None:
            return None
        try:
            return await verdict
        except EngineError as exc:
            log.warning("the end-of-turn model failed, the turn waits for silence: %s", exc)
            return None

    def _drop_verdict(self) -> None:
        if self._verdict:
            self._verdict.cancel()
            self._verdict = None

    def take(self, start_ms: float, end_ms: float) -> Utterance:
        """Commit `[start_ms, end_ms)` as a user turn; the buffer keeps only what came after."""
        audio = self.buffer.slice(start_ms, end_ms)
        task = self._early_result(start_ms, end_ms) or self._start(audio)
        self.buffer.drop_until(end_ms)
        return Utterance(audio, start_ms, end_ms, task)

    def take_all(self) -> Utterance:
        return self.take(self.buffer.start_ms, self.buffer.end_ms)

    def clear(self) -> None:
        self.buffer.clear()
        self._drop_early()
        self._drop_verdict()
        self._detector.reset()

    def close(self) -> None:
        self._drop_early()
        self._drop_verdict()

    def _speculate(self, event: TurnEvent) -> None:
        if isinstance(event, Paused) and self._early_enabled:
            self._drop_early()
            self._early = (event.start_ms, event.end_ms, self._start(self.buffer.slice(event.start_ms, event.end_ms)))
        elif isinstance(event, Resumed):
            self._drop_early()
            self._drop_verdict()
        elif isinstance(event, SpeechStopped) and self._early and self._early[:2] != (event.start_ms, event.audio_end_ms):
            self._drop_early()

    def _early_result(self, start_ms: float, end_ms: float) -> asyncio.Task[Transcription] | None:
        early, self._early = self._early, None
        if early and early[0] == start_ms and early[1] == end_ms:
            return early[2]
        if early:
            early[2].cancel()
        return None

    def _drop_early(self) -> None:
        if self._early:
            self._early[2].cancel()
            self._early = None

    def _start(self, audio: Pcm) -> asyncio.Task[Transcription]:
        task = asyncio.create_task(self._transcribe(audio), name="transcribe")
        task.add_done_callback(_consume_exception)
        return task


def _consume_exception(task: asyncio.Task[Any]) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        task.exception()
