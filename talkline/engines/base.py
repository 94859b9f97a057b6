"""The engine interfaces. Each stage has local (offline) and remote implementations behind these."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from talkline.audio import Pcm


@dataclass(frozen=True, slots=True)
class Word:
    start: float
    end: float
    text: str


@dataclass(frozen=True, slots=True)
class Segment:
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True)
class Transcription:
    text: str
    language: str | None
    duration_s: float
    segments: tuple[Segment, ...] = field(default_factory=tuple)


@runtime_checkable
class SpeechToText(Protocol):
    """Turns a finished utterance into text. Implementations must not block the event loop."""

    name: str

    async def transcribe(
        self, audio: Pcm, *, language: str | None = None, prompt: str | None = None
    ) -> Transcription: ...


@runtime_checkable
class TextToSpeech(Protocol):
    """Speaks one piece of text (usually a sentence), yielding audio as soon as it exists."""

    name: str

    def voices(self) -> list[str]: ...

    def synthesize(
        self, text: str, *, voice: str | None = None, language: str | None = None, speed: float = 1.0
    ) -> AsyncIterator[Pcm]: ...


class VoiceActivityStream(Protocol):
    """Per-session, stateful speech detector over 16 kHz mono audio."""

    frame_ms: float

    async def probabilities(self, audio16k: bytes) -> list[float]:
        """Speech probability of each complete frame in `audio16k` (remainders are kept for later)."""
        ...

    def reset(self) -> None: ...


class VoiceActivityDetector(Protocol):
    def stream(self) -> VoiceActivityStream: ...


class EndOfTurnModel(Protocol):
    """Judges from the audio of a turn so far (16 kHz speech and the pause after it) whether it is finished."""

    name: str

    async def complete_probability(self, audio: Pcm) -> float: ...


@dataclass(frozen=True, slots=True)
class Engines:
    """The speech engines a process shares between all its sessions and jobs."""

    stt: SpeechToText
    tts: TextToSpeech
    vad: VoiceActivityDetector
    turn: EndOfTurnModel | None = None  # for semantic_vad; None when its optional model is not installed


class EngineError(RuntimeError):
    """An engine failed; `code` becomes the client-facing error code."""

    def __init__(self, message: str, code: str = "engine_error") -> None:
        super().__init__(message)
        self.code = code
