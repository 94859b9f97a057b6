"""The internal event vocabulary of a turn. Protocol edges translate these; no surface re-implements them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

from talkline.agent.tools import ToolResult
from talkline.audio import Pcm


@dataclass(frozen=True, slots=True)
class TextOut:
    """Assistant text as the agent produced it (text deltas, job `token` events)."""

    text: str


@dataclass(frozen=True, slots=True)
class ToolCallOut:
    call_id: str
    name: str
    arguments: str
    server: bool  # run by Talkline (profile tool) rather than by the client


@dataclass(frozen=True, slots=True)
class ToolResultOut:
    result: ToolResult


@dataclass(frozen=True, slots=True)
class SpeechOut:
    """A piece of text whose audio follows in `AudioOut` events (transcript aligned with audio)."""

    text: str
    index: int


@dataclass(frozen=True, slots=True)
class SpeechDone:
    """All audio of piece `index` has been emitted."""

    index: int


@dataclass(frozen=True, slots=True)
class AudioOut:
    pcm: Pcm
    index: int  # the SpeechOut piece this audio belongs to


@dataclass(slots=True)
class StageTimings:
    """Monotonic timestamps of one turn; `durations_ms` gives the per-stage split."""

    speech_end: float | None = None  # VAD end of turn (or request arrival)
    committed: float | None = None  # turn committed (end-of-turn wait over)
    stt_done: float | None = None
    first_token: float | None = None
    first_audio: float | None = None
    done: float | None = None

    def mark(self, stage: str) -> None:
        if getattr(self, stage) is None:
            setattr(self, stage, time.monotonic())

    def durations_ms(self) -> dict[str, float]:
        start = self.speech_end if self.speech_end is not None else self.committed
        points = {"committed": self.committed, "stt_done": self.stt_done, "first_token": self.first_token,
                  "first_audio": self.first_audio, "done": self.done}
        if start is None:
            return {}
        return {name: round(1000 * (value - start), 1) for name, value in points.items() if value is not None}


@dataclass(frozen=True, slots=True)
class Usage:
    input_text_tokens: int = 0
    input_audio_tokens: int = 0
    output_text_tokens: int = 0
    output_audio_tokens: int = 0

    @property
    def input_tokens(self) -> int:
        return self.input_text_tokens + self.input_audio_tokens

    @property
    def output_tokens(self) -> int:
        return self.output_text_tokens + self.output_audio_tokens

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


StopReason = Literal["completed", "tool_calls", "max_output_tokens"]


@dataclass(frozen=True, slots=True)
class ResponseEnd:
    text: str
    stop_reason: StopReason
    usage: Usage
    timings: StageTimings
    audio_ms: float = 0.0
    tool_results: tuple[ToolResult, ...] = field(default_factory=tuple)


PipelineEvent = TextOut | ToolCallOut | ToolResultOut | SpeechOut | AudioOut | SpeechDone | ResponseEnd
