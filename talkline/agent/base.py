"""The Agent interface: a conversation goes in, streamed text and tool calls come out."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from talkline.agent.conversation import Turn
from talkline.agent.tools import ToolSpec

ToolChoice = Literal["auto", "none", "required"] | str  # a bare name forces that function


@dataclass(frozen=True, slots=True)
class AgentRequest:
    history: Sequence[Turn]
    instructions: str = ""
    tools: Sequence[ToolSpec] = ()
    tool_choice: ToolChoice = "auto"
    language: str | None = None  # the user's language if known ("ko", "en")
    options: Mapping[str, Any] = field(default_factory=dict)  # profile options (scenario, persona…)
    max_output_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class ToolCallRequest:
    call_id: str
    name: str
    arguments: str


AgentEvent = TextDelta | ToolCallRequest


class Agent(Protocol):
    """One model step. Tool calls end the step; the runner executes them and calls `respond` again."""

    name: str

    def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]: ...
