"""A fake agent: says what it heard ("You said: …"), calls a tool the user's words name (its arguments
filled from the words), and reads a tool's result back. Deterministic, instant, in any language."""

from __future__ import annotations

from collections.abc import AsyncIterator

from talkline.agent.base import AgentEvent, AgentRequest
from talkline.agent.history import last_user_text, pending_tool_outputs
from talkline.agent.skill import choose_client_tool, read_back, speaks_korean, stream_words


class FakeAgent:
    name = "fake"

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        answered = pending_tool_outputs(list(request.history))
        if answered:
            reply = read_back(answered, speaks_korean(request))
        elif (call := choose_client_tool(request, request.tools)) is not None:
            yield call
            return
        else:
            heard = last_user_text(list(request.history)).strip()
            reply = f"{heard}라고 하셨어요." if speaks_korean(request) and heard else f"You said: {heard}"
        async for delta in stream_words(reply):
            yield delta
