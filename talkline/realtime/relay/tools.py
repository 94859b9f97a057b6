"""The profile's server tools in a relayed session: the upstream calls them, the gateway answers.

The upstream sees the server tools as ordinary function tools. When it calls one, the gateway runs
it at once (once per call id, through the ToolLedger, so a retry or a reconnect never runs it twice),
and when the response that made the calls is over, gives the outputs back upstream and asks for the
next response, as a client would. The client sees the call and output items as the upstream shows
them, like the server tool items of a local session.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from talkline.agent.tools import ToolContext, ToolLedger, ToolRegistry, ToolResult
from talkline.metrics import TOOL_CALLS

log = logging.getLogger(__name__)

SendUpstream = Callable[[dict[str, Any]], Awaitable[None]]


class ServerToolCalls:
    def __init__(self, tools: ToolRegistry, ledger: ToolLedger, context: ToolContext, send: SendUpstream) -> None:
        self.tools, self.ledger, self.context, self._send = tools, ledger, context, send
        self._running: dict[str, list[asyncio.Task[ToolResult]]] = {}  # response id → its server tool calls
        self._answering: set[asyncio.Task[None]] = set()

    @property
    def busy(self) -> bool:
        return bool(self._running or self._answering)

    def observe(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "response.function_call_arguments.done":
            self._call(event)
        elif kind == "response.done":
            response = event.get("response") or {}
            calls = self._running.pop(str(response.get("id")), None)
            if calls:
                answer = asyncio.create_task(self._answer(calls, follow_up=response.get("status") == "completed"),
                                             name="relay-tool-outputs")
                self._answering.add(answer)
                answer.add_done_callback(self._answering.discard)

    async def close(self) -> None:
        for task in list(self._answering):
            task.cancel()
        await self.ledger.close()

    def _call(self, event: dict[str, Any]) -> None:
        tool = self.tools.get(str(event.get("name")))
        if tool is None:
            return  # the client's own tool: the client answers it
        call = self.ledger.run(str(event.get("call_id")), tool, str(event.get("arguments") or "{}"), self.context)
        self._running.setdefault(str(event.get("response_id")), []).append(asyncio.ensure_future(call))

    async def _answer(self, calls: list[asyncio.Task[ToolResult]], *, follow_up: bool) -> None:
        """Outputs go upstream even after a cancelled response (the calls did run); only a completed
        response gets its follow-up."""
        try:
            for result in await asyncio.gather(*calls):
                TOOL_CALLS.labels(tool=result.name, ok=str(result.ok).lower()).inc()
                await self._send({"type": "conversation.item.create", "item": {
                    "type": "function_call_output", "call_id": result.call_id, "output": result.output}})
            if follow_up:
                await self._send({"type": "response.create"})
        except asyncio.CancelledError:
            raise
        except Exception:  # the upstream went away meanwhile; the session reports that on its own
            log.warning("server tool outputs could not be sent upstream", exc_info=True)
