"""The tool loop, the only one: the agent takes a step, the tools it calls run (each once per call id,
through the ledger), their outputs go into the history, and the agent takes the next step, until it
answers without calling a tool, calls a tool of the client's (which ends the reply), or runs out of steps.

Server tools start at once and run while the words before the call are still being spoken; the call
is announced once those words are out (the protocols need that order). A call of a tool that is neither
the profile's nor the client's gets an error result the agent can talk about.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from talkline.agent.base import Agent, AgentRequest, AudioDelta, ToolCallRequest, Usage, UsageReport
from talkline.agent.history import HistoryItem, Message, ToolCall, ToolOutput
from talkline.agent.tools import ServerTool, ToolContext, ToolRegistry, ToolResult
from talkline.metrics import TOOL_CALLS
from talkline.pipeline.events import ResponseEnd, StopReason, TextOut, ToolCallOut, ToolResultOut
from talkline.pipeline.speakers import Emit, Speech

MAX_TOOL_STEPS = 6

# waits until the turn may act on these calls (a held turn runs read-only tools only)
MayAct = Callable[[bool], Awaitable[None]]


def estimate_text_tokens(text: str) -> int:
    """About four bytes of UTF-8 per token: close enough for usage reports of a local model."""
    return math.ceil(len(text.encode()) / 4)


def estimate_history_tokens(history: Sequence[HistoryItem], instructions: str) -> int:
    parts = [instructions]
    for item in history:
        parts.append(item.text if isinstance(item, Message) else
                     item.arguments if isinstance(item, ToolCall) else item.output)
    return sum(estimate_text_tokens(part) for part in parts)


class CallLedger(Protocol):
    """Runs a server tool call once per call id (agent/tools.py's ToolLedger, or a held turn's stand-in)."""

    async def run(self, call_id: str, tool: ServerTool, arguments: str, context: ToolContext) -> ToolResult: ...


async def _acting_at_once(read_only: bool) -> None:
    return None


@dataclass
class _Reply:
    text: str = ""
    stop: StopReason = "completed"
    reported: Usage | None = None  # the usage the agent counted itself, if it does


class ToolLoop:
    def __init__(self, agent: Agent, request: AgentRequest, *, server_tools: ToolRegistry, ledger: CallLedger,
                 tool_context: ToolContext, speech: Speech, emit: Emit, may_act: MayAct = _acting_at_once) -> None:
        self._agent = agent
        self._request = request
        self._server_tools = server_tools
        self._client_tools = {spec.name for spec in request.tools if spec.name not in server_tools}
        self._ledger = ledger
        self._tool_context = tool_context
        self._speech = speech
        self._emit = emit
        self._may_act = may_act
        self._history = list(request.history)
        self._added: list[HistoryItem] = []
        self._results: list[ToolResult] = []

    async def run(self) -> ResponseEnd:
        request, reply = self._request, _Reply()
        for _ in range(MAX_TOOL_STEPS):
            calls = await self._step(request, reply)
            if reply.stop == "max_output_tokens" or not calls:
                break
            if await self._run_tools(calls):
                reply.stop = "tool_calls"
                break
            request = replace(request, tool_choice="auto")  # a forced call is made once, then the agent answers
        await self._speech.drain()
        return ResponseEnd(text=reply.text, stop_reason=reply.stop, usage=self._usage(reply, request),
                           audio_ms=self._speech.audio_ms, tool_results=tuple(self._results),
                           items=tuple(self._added))

    async def _step(self, request: AgentRequest, reply: _Reply) -> list[ToolCallRequest]:
        calls: list[ToolCallRequest] = []
        said = ""
        budget = request.max_output_tokens
        async for event in self._agent.respond(replace(request, history=tuple(self._history))):
            if isinstance(event, ToolCallRequest):
                calls.append(event)
            elif isinstance(event, UsageReport):
                reply.reported = event.usage if reply.reported is None else reply.reported + event.usage
            elif isinstance(event, AudioDelta):
                self._speech.play(event.pcm)
            elif budget is not None and estimate_text_tokens(reply.text + event.text) > budget:
                reply.stop = "max_output_tokens"
                break
            else:
                reply.text += event.text
                said += event.text
                self._emit(TextOut(event.text))
                self._speech.say(event.text)
        if said.strip():  # what the agent said before calling belongs to its history
            self._add(Message("assistant", said))
        return calls

    async def _run_tools(self, calls: list[ToolCallRequest]) -> bool:
        """Run one step's calls; True if any is the client's to run (which ends the reply)."""
        server = [call for call in calls if call.name not in self._client_tools]
        read_only = all((tool := self._server_tools.get(call.name)) is not None and tool.read_only for call in calls)
        await self._may_act(read_only)
        running = [asyncio.ensure_future(self._run_tool(call)) for call in server]
        await self._speech.drain()
        for call in calls:
            self._emit(ToolCallOut(call.call_id, call.name, call.arguments, server=call.name not in self._client_tools))
            self._add(ToolCall(call.call_id, call.name, call.arguments))
        for result in await asyncio.gather(*running):
            TOOL_CALLS.labels(tool=result.name, ok=str(result.ok).lower()).inc()
            self._results.append(result)
            self._emit(ToolResultOut(result))
            self._add(ToolOutput(result.call_id, result.output))
        return len(server) < len(calls)

    async def _run_tool(self, call: ToolCallRequest) -> ToolResult:
        tool = self._server_tools.get(call.name)
        if tool is None:
            return ToolResult(call.call_id, call.name, json.dumps({"error": {
                "code": "unknown_tool", "message": f"there is no tool named {call.name}"}}), ok=False)
        return await self._ledger.run(call.call_id, tool, call.arguments, self._tool_context)

    def _add(self, item: HistoryItem) -> None:
        self._history.append(item)
        self._added.append(item)

    def _usage(self, reply: _Reply, request: AgentRequest) -> Usage:
        if reply.reported is not None:
            return reply.reported
        return Usage(input_text_tokens=estimate_history_tokens(self._request.history, request.instructions),
                     output_text_tokens=estimate_text_tokens(reply.text),
                     output_audio_tokens=math.ceil(self._speech.audio_ms / 50))
