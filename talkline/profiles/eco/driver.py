"""Drive one user turn through an agent's tool loop, the way a runner does (for evaluation and tests).

The agent asks for tools, the tools run (through a `ToolLedger`, once per call id), their outputs
go into the history, and the agent is asked again until it answers in text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from talkline.agent.base import Agent, AgentRequest, TextDelta, ToolCallRequest
from talkline.agent.conversation import Message, ToolCall, ToolOutput, Turn
from talkline.agent.tools import ToolContext, ToolLedger, ToolRegistry, ToolResult

MAX_STEPS = 4


class AgentLoopError(RuntimeError):
    """The agent asked for an unknown tool or kept calling tools without answering."""


@dataclass(frozen=True)
class Exchange:
    reply: str
    pieces: tuple[str, ...]  # the text deltas as streamed
    results: tuple[ToolResult, ...]  # every tool call of the turn, in order
    history: tuple[Turn, ...]  # the conversation including this turn and the reply


async def converse(agent: Agent, tools: ToolRegistry, history: Sequence[Turn], user_text: str, *,
                   language: str | None = None) -> Exchange:
    turns: list[Turn] = [*history, Message("user", user_text)]
    pieces: list[str] = []
    results: list[ToolResult] = []
    ledger = ToolLedger()
    for _ in range(MAX_STEPS):
        request = AgentRequest(history=tuple(turns), tools=tools.specs(), language=language)
        calls: list[ToolCallRequest] = []
        async for event in agent.respond(request):
            if isinstance(event, TextDelta):
                pieces.append(event.text)
            else:
                calls.append(event)
        if not calls:
            reply = "".join(pieces)
            return Exchange(reply, tuple(pieces), tuple(results), (*turns, Message("assistant", reply)))
        for call in calls:
            tool = tools.get(call.name)
            if tool is None:
                raise AgentLoopError(f"agent asked for unknown tool {call.name!r}")
            result = await ledger.run(call.call_id, tool, call.arguments, ToolContext(language=language))
            turns += [ToolCall(call.call_id, call.name, call.arguments), ToolOutput(call.call_id, result.output)]
            results.append(result)
    raise AgentLoopError(f"no answer after {MAX_STEPS} tool steps")
