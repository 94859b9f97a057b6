"""The internal event vocabulary of a turn. Protocol edges translate these; no surface re-implements them.

A turn's events come in this order: `Transcribed` (when the turn heard audio itself) and `InputReady`,
then the reply (`TextOut`, `SpeechOut`/`AudioOut`/`SpeechDone`, `ToolCallOut`/`ToolResultOut`), then
`ResponseEnd`. A turn on a speech-to-speech model hears its audio alongside the reply, so there
`Transcribed` comes just before the end (and there is no `InputReady`: the model hears the audio itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from talkline.agent.base import Usage
from talkline.agent.history import HistoryItem
from talkline.agent.tools import ToolResult
from talkline.audio import Pcm
from talkline.engines.base import Transcription


@dataclass(frozen=True, slots=True)
class Transcribed:
    """The turn's own audio input, as heard."""

    transcription: Transcription
    audio_ms: float


@dataclass(frozen=True, slots=True)
class InputReady:
    """The user's side of the turn is complete (transcribed, or its pending transcripts arrived): the agent starts."""


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


StopReason = Literal["completed", "tool_calls", "max_output_tokens"]


@dataclass(frozen=True, slots=True)
class ResponseEnd:
    text: str
    stop_reason: StopReason
    usage: Usage
    timings: dict[str, float] = field(default_factory=dict)  # ms from the end of the user's speech to each stage
    audio_ms: float = 0.0
    tool_results: tuple[ToolResult, ...] = field(default_factory=tuple)
    user_text: str = ""  # what the user said in the turn's own input (empty when it came with the history)
    items: tuple[HistoryItem, ...] = field(default_factory=tuple)  # what the turn added to the conversation


PipelineEvent = (Transcribed | InputReady | TextOut | ToolCallOut | ToolResultOut | SpeechOut | AudioOut
                 | SpeechDone | ResponseEnd)
