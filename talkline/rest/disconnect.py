"""A whole (not streamed) response's work stops when its client leaves: the client cannot get the answer,
so the turn is cancelled rather than left to run (streamed responses stop with their stream)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import TypeVar

from fastapi import Request

T = TypeVar("T")


class ClientLeft(Exception):
    """The client disconnected before the response was ready; its work was cancelled."""


async def unless_client_leaves(request: Request, work: Awaitable[T]) -> T:
    task = asyncio.ensure_future(work)
    gone = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    if task.cancelled():
        raise ClientLeft()
    return task.result()


async def _disconnected(request: Request) -> None:
    """Returns once the client is gone (the body has been read: the next message is the disconnect)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass
