"""OpenAI-style Server-Sent Events: `data: <json>` lines only, no `event:` lines.

A failure after the stream has started can no longer change the HTTP status, so it becomes a last
`data: {"error": {…}}` event, which the official SDK raises as an `APIError`. A client that goes away
cancels the producing generator (and with it the pipeline response).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import Any

from sse_starlette import EventSourceResponse, ServerSentEvent

from talkline.rest.errors import as_api_error

KEEPALIVE_S = 15.0


def sse_response(events: AsyncGenerator[dict[str, Any] | str, None]) -> EventSourceResponse:
    """`events` are JSON objects, or literal data such as `[DONE]`."""
    return EventSourceResponse(_frames(events), sep="\n", ping=KEEPALIVE_S)


def dump_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


async def _frames(events: AsyncGenerator[dict[str, Any] | str, None]) -> AsyncIterator[ServerSentEvent]:
    async with aclosing(events):
        try:
            async for event in events:
                yield ServerSentEvent(data=event if isinstance(event, str) else dump_json(event))
        except Exception as exc:  # the status is sent already: report in the stream
            yield ServerSentEvent(data=dump_json(as_api_error(exc).body()))
