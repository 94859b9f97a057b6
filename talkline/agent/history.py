"""The agent's neutral view of a conversation, independent of any wire protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    text: str
    audio: bytes | None = None  # the user's words as recorded (WAV), for an agent that hears; `text` may be empty


@dataclass(frozen=True, slots=True)
class ToolCall:
    call_id: str
    name: str
    arguments: str  # JSON text, as the model produced it


@dataclass(frozen=True, slots=True)
class ToolOutput:
    call_id: str
    output: str  # JSON text (or plain text) handed back to the model


HistoryItem = Message | ToolCall | ToolOutput
Turn = HistoryItem  # the former name, still imported by the applications' own modules


def last_user_text(history: list[HistoryItem] | tuple[HistoryItem, ...]) -> str:
    for turn in reversed(history):
        if isinstance(turn, Message) and turn.role == "user":
            return turn.text
    return ""


def pending_tool_outputs(history: list[HistoryItem] | tuple[HistoryItem, ...]) -> list[tuple[ToolCall, ToolOutput]]:
    """Tool calls answered since the last user message, in call order."""
    calls: dict[str, ToolCall] = {}
    answered: list[tuple[ToolCall, ToolOutput]] = []
    for turn in history:
        if isinstance(turn, Message) and turn.role == "user":
            calls.clear()
            answered.clear()
        elif isinstance(turn, ToolCall):
            calls[turn.call_id] = turn
        elif isinstance(turn, ToolOutput) and turn.call_id in calls:
            answered.append((calls[turn.call_id], turn))
    return answered
