"""Drive one user turn of an agent and its tools through a text-only Turn (for evaluation and tests).

The turn's tool loop runs the tools (through a `ToolLedger`, once per call id), their outputs go into
the history, and the agent is asked again until it answers in text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from talkline.agent.base import Agent
from talkline.agent.history import HistoryItem, Message, ToolOutput
from talkline.agent.tools import ToolRegistry, ToolResult
from talkline.pipeline import Pipeline, TextInput, TurnOptions
from talkline.pipeline.events import ResponseEnd, TextOut
from talkline.profiles.base import Profile

TEXT_ONLY = Pipeline(stt=None, tts=None)  # type: ignore[arg-type]  # a text turn neither hears nor speaks


class AgentLoopError(RuntimeError):
    """The agent asked for an unknown tool or kept calling tools without answering."""


@dataclass(frozen=True)
class Exchange:
    reply: str
    pieces: tuple[str, ...]  # the text deltas as streamed
    results: tuple[ToolResult, ...]  # every tool call of the turn, in order
    history: tuple[HistoryItem, ...]  # the conversation including this turn and the reply


async def converse(agent: Agent, tools: ToolRegistry, history: Sequence[HistoryItem], user_text: str, *,
                   language: str | None = None) -> Exchange:
    profile = Profile(name=agent.name, description="", instructions="", agent=agent, tools=tools)
    turn = TEXT_ONLY.turn(profile, tuple(history), TextInput(user_text), TurnOptions(speak=False, language=language))
    pieces: list[str] = []
    end: ResponseEnd | None = None
    try:
        async for event in turn:
            if isinstance(event, TextOut):
                pieces.append(event.text)
            elif isinstance(event, ResponseEnd):
                end = event
    finally:
        await turn.aclose()
    if end is None:
        raise AgentLoopError("the turn ended without a reply")
    for result in end.tool_results:
        if not result.ok and _error_code(result.output) == "unknown_tool":
            raise AgentLoopError(f"agent asked for unknown tool {result.name!r}")
    if end.items and isinstance(end.items[-1], ToolOutput):
        raise AgentLoopError("no answer after the tool steps")
    reply = "".join(pieces)
    said = [item for item in end.items if not (isinstance(item, Message) and item.role == "assistant")]
    return Exchange(reply, tuple(pieces), end.tool_results, (*history, *said, Message("assistant", reply)))


def _error_code(output: str) -> str | None:
    try:
        error = json.loads(output).get("error")
    except (json.JSONDecodeError, AttributeError):
        return None
    return error.get("code") if isinstance(error, dict) else None
