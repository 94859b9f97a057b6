"""Where a reply's words become speech: the tool loop says text (and plays the audio of an agent that
speaks for itself), then waits until everything said so far is out before it announces a tool call.

- `SentenceSpeaker` (the cascade): text is cut into sentences (Korean-aware) and synthesised in a task
  of its own, so the first sentence is spoken while the agent writes the next ones.
- `SpeechPieces` (a speech-to-speech model): its streamed speech is cut at the quietest moment between
  1.5 and 2.5 s of audio into pieces of about a sentence; where a piece ends depends only on the audio.
- `Silence`: a text-only reply.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from talkline.audio import Pcm
from talkline.engines.base import TextToSpeech
from talkline.pipeline.chunker import SentenceChunker
from talkline.pipeline.events import AudioOut, PipelineEvent, SpeechDone, SpeechOut

Emit = Callable[[PipelineEvent], None]
Fail = Callable[[BaseException], None]


@dataclass(frozen=True, slots=True)
class SpeechOptions:
    voice: str | None = None
    language: str | None = None
    speed: float = 1.0


class Speech(Protocol):
    audio_ms: float

    def say(self, text: str) -> None:
        """Text the agent wrote."""

    def play(self, pcm: Pcm) -> None:
        """Audio the agent spoke itself."""

    async def drain(self) -> None:
        """Return once everything said so far has been spoken."""

    async def close(self) -> None: ...


class Silence:
    audio_ms = 0.0

    def say(self, text: str) -> None:
        pass

    def play(self, pcm: Pcm) -> None:
        pass

    async def drain(self) -> None:
        pass

    async def close(self) -> None:
        pass


async def _at_once() -> None:
    return None


class SentenceSpeaker:
    """`after_first`: awaited before any piece after the first (a held reply speaks its first piece only)."""

    def __init__(self, tts: TextToSpeech, options: SpeechOptions, emit: Emit, fail: Fail,
                 after_first: Callable[[], Awaitable[object]] = _at_once) -> None:
        self._tts, self._options, self._emit, self._fail = tts, options, emit, fail
        self._after_first = after_first
        self._chunker = SentenceChunker()
        self._sentences: asyncio.Queue[str] = asyncio.Queue()
        self._task = asyncio.create_task(self._speak(), name="speaker")
        self.audio_ms = 0.0

    def say(self, text: str) -> None:
        self._queue(self._chunker.push(text))

    def play(self, pcm: Pcm) -> None:
        raise TypeError("a cascade reply is spoken by its TTS, not by the agent")

    async def drain(self) -> None:
        self._queue(self._chunker.flush())
        await self._sentences.join()

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    def _queue(self, pieces: list[str]) -> None:
        for piece in pieces:
            self._sentences.put_nowait(piece)

    async def _speak(self) -> None:
        index, failed = 0, False
        while True:
            piece = await self._sentences.get()
            try:
                if not failed:
                    if index:
                        await self._after_first()
                    await self._speak_piece(piece, index)
                    index += 1
            except Exception as exc:  # the reply fails with it; keep draining so the loop is not stuck
                failed = True
                self._fail(exc)
            finally:
                self._sentences.task_done()

    async def _speak_piece(self, piece: str, index: int) -> None:
        announced = False
        if piece.strip():
            async for pcm in self._tts.synthesize(piece.strip(), voice=self._options.voice,
                                                  language=self._options.language, speed=self._options.speed):
                if not announced:
                    self._emit(SpeechOut(piece, index))
                    announced = True
                self.audio_ms += pcm.duration_ms
                self._emit(AudioOut(pcm, index))
        if not announced:
            self._emit(SpeechOut(piece, index))
        self._emit(SpeechDone(index))


class SpeechPieces:
    MIN_MS = 1500
    MAX_MS = 2500
    FRAME_MS = 20

    def __init__(self, emit: Emit) -> None:
        self._emit = emit
        self._buffer = bytearray()
        self._rate: int | None = None
        self._index = 0
        self.audio_ms = 0.0

    def say(self, text: str) -> None:
        pass  # the agent's transcript goes out as text; its audio comes through `play`

    def play(self, pcm: Pcm) -> None:
        self._rate = pcm.rate
        self._buffer += pcm.data
        while len(self._buffer) >= self._bytes(self.MAX_MS):
            self._piece(self._quietest_cut())

    async def drain(self) -> None:
        if self._buffer:
            self._piece(len(self._buffer))

    async def close(self) -> None:
        pass

    def _quietest_cut(self) -> int:
        frame = self._bytes(self.FRAME_MS)
        window = np.frombuffer(bytes(self._buffer[self._bytes(self.MIN_MS):self._bytes(self.MAX_MS)]), dtype="<i2")
        energy = np.square(window.astype(np.float64)).reshape(-1, frame // 2).mean(axis=1)
        return self._bytes(self.MIN_MS) + int(np.argmin(energy)) * frame

    def _piece(self, cut: int) -> None:
        pcm = Pcm(bytes(self._buffer[:cut]), self._rate or 24000)
        del self._buffer[:cut]
        self.audio_ms += pcm.duration_ms
        self._emit(AudioOut(pcm, self._index))
        self._emit(SpeechDone(self._index))
        self._index += 1

    def _bytes(self, ms: float) -> int:
        return int((self._rate or 24000) * ms / 1000) * 2
