"""Sideband control: the app's server attaches to a live call with `/v1/realtime?call_id=…` (server key).

It receives every event the call sends and may send client events (`session.update`, tool outputs,
`response.create`…), which the call's session handles as if they came from the call itself.
"""

from __future__ import annotations

import asyncio
import contextlib

from starlette.websockets import WebSocket

from talkline.realtime.calls import LiveCall
from talkline.realtime.transport import ClientGone, WebSocketTransport


async def attach(websocket: WebSocket, call: LiveCall) -> None:
    """Until the call ends or the sideband connection closes."""
    transport = WebSocketTransport(websocket)
    events = call.line.listen()
    forward = asyncio.create_task(_forward(events, transport))
    try:
        while not forward.done() and (frame := await _next_frame(transport, forward)) is not None:
            call.line.deliver(frame)
    finally:
        call.line.unlisten(events)
        forward.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await forward
        await transport.close(1000, "call ended")


async def _next_frame(transport: WebSocketTransport, forward: asyncio.Task[None]) -> str | bytes | None:
    receiving = asyncio.create_task(transport.receive())
    await asyncio.wait({receiving, forward}, return_when=asyncio.FIRST_COMPLETED)
    if receiving.done():
        return receiving.result()
    receiving.cancel()
    return None


async def _forward(events: asyncio.Queue[dict | None], transport: WebSocketTransport) -> None:
    while (event := await events.get()) is not None:
        try:
            await transport.send(event)
        except ClientGone:
            return
