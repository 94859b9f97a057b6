"""A relayed session driven in memory: the test plays the client, the session talks to a real upstream."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from talkline.realtime.relay import RelaySession
from talkline.realtime.transport import ClientGone

Event = dict[str, Any]


class MemoryTransport:
    """The session's side of the client connection (the Transport protocol) and the test's side of it."""

    def __init__(self) -> None:
        self._from_client: asyncio.Queue[str | None] = asyncio.Queue()
        self._to_client: asyncio.Queue[Event] = asyncio.Queue()
        self.received: list[Event] = []  # everything the client got, in order
        self.closed: tuple[int, str] | None = None

    # the session's side

    async def receive(self) -> str | None:
        return await self._from_client.get()

    async def send(self, event: Event) -> None:
        if self.closed is not None:
            raise ClientGone()
        self._to_client.put_nowait(json.loads(json.dumps(event)))  # what would cross the wire

    async def close(self, code: int = 1000, reason: str = "") -> None:
        if self.closed is None:
            self.closed = (code, reason)
            self._from_client.put_nowait(None)

    # the client's side

    def client_send(self, event: Event) -> None:
        self._from_client.put_nowait(json.dumps(event))

    def client_leave(self) -> None:
        self._from_client.put_nowait(None)

    async def next_event(self, timeout_s: float = 10.0) -> Event:
        event = await asyncio.wait_for(self._to_client.get(), timeout_s)
        self.received.append(event)
        return event

    async def events_until(self, done: Callable[[Event], bool], timeout_s: float = 10.0) -> list[Event]:
        """Events up to and including the first for which `done` is true."""
        events: list[Event] = []
        while not events or not done(events[-1]):
            try:
                events.append(await self.next_event(timeout_s))
            except TimeoutError:
                raise AssertionError(f"timed out; the client got {[e.get('type') for e in events]}") from None
        return events

    async def until_type(self, kind: str, timeout_s: float = 10.0) -> list[Event]:
        return await self.events_until(lambda event: event.get("type") == kind, timeout_s)

    def pending(self) -> list[Event]:
        """Events sent to the client that the test has not read yet."""
        events = []
        while not self._to_client.empty():
            events.append(self._to_client.get_nowait())
        self.received += events
        return events


@asynccontextmanager
async def running(session: RelaySession, transport: MemoryTransport) -> AsyncIterator[MemoryTransport]:
    """Run the session; when the block ends the client leaves and the session must end by itself."""
    task = asyncio.create_task(session.run())
    try:
        yield transport
    finally:
        transport.client_leave()
        await asyncio.wait_for(task, 20)


def types(events: list[Event]) -> list[str]:
    return [str(event.get("type")) for event in events]


def of_type(events: list[Event], kind: str) -> list[Event]:
    return [event for event in events if event.get("type") == kind]
