"""Defect 7a: a closed session frees its slot the moment its client is gone, not after its tidying up
(cancelling a running response, saving the call's transcript): the last slot is taken again at once."""

from __future__ import annotations

import asyncio
import json
from contextlib import AsyncExitStack

from tests.limits.conftest import KEY, LIMITS, connect, next_of
from tests.servers import LiveServer


async def test_the_last_slot_is_free_again_right_after_a_session_closes(server: LiveServer) -> None:
    async with AsyncExitStack() as stack:
        sockets = [await stack.enter_async_context(connect(server, KEY)) for _ in range(LIMITS["max_sessions"])]
        for ws in sockets:
            await next_of(ws, "session.created")
        async with connect(server, KEY) as refused:
            assert (await next_of(refused, "error"))["error"]["code"] == "session_limit_reached"
        for round_ in range(3):
            leaving = sockets.pop()
            for index in range(20):  # a conversation to save and a response to cancel as it leaves
                await leaving.send(json.dumps({"type": "conversation.item.create", "item": {
                    "type": "message", "role": "user",
                    "content": [{"type": "input_text", "text": f"how do I throw away batteries {index}?"}]}}))
            await leaving.send(json.dumps({"type": "response.create"}))
            await next_of(leaving, "response.created")
            await leaving.close()
            await asyncio.sleep(0.01)
            joining = await stack.enter_async_context(connect(server, KEY))
            first = await next_of(joining, "session.created", "error")
            assert first["type"] == "session.created", f"round {round_}: {first}"
            sockets.append(joining)
