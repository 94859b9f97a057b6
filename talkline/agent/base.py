"""The Agent interface: a conversation goes in, streamed text and tool calls come out (and, from an agent
that speaks for itself, audio and the usage it counted)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from talkline.agent.history import HistoryItem
from talkline.agent.tools import ToolSpec
from talkline.audio.pcm import Pcm

ToolChoice = Literal["auto", "none", "required"] | str  # a bare name forces that function


@dataclass(frozen=True, slots=True)
class AgentRequest:
    history: Sequence[HistoryItem]
    instructions: str = ""
    tools: Sequence[ToolSpec] = ()
    tool_choice: ToolChoice = "auto"
    language: str | None = None  # the user's language if known ("ko", "en")
    options: Mapping[str, Any] = field(default_factory=dict)  # profile options (scenario, persona…)
    max_output_tokens: int | None = None
    voice: str | None = None  # for an agent that speaks for itself: its voice; None asks for text only


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class ToolCallRequest:
    call_id: str
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class AudioDelta:
    """Speech from an agent that speaks for itself (a speech-to-speech model)."""

    pcm: Pcm


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

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.input_text_tokens + other.input_text_tokens,
                     self.input_audio_tokens + other.input_audio_tokens,
                     self.output_text_tokens + other.output_text_tokens,
                     self.output_audio_tokens + other.output_audio_tokens)


@dataclass(frozen=True, slots=True)
class UsageReport:
    """Tokens one model step used, as the model counted them (agents that do not report are estimated)."""

    usage: Usage


AgentEvent = TextDelta | ToolCallRequest | AudioDelta | UsageReport


class Agent(Protocol):
    """One model step. Tool calls end the step; the runner executes them and calls `respond` again."""

    name: str

    def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]: ...
