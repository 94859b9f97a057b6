"""Client events reach their handlers by event class: every client event has exactly one handler, and the
router refuses a second one instead of silently replacing the first."""

from __future__ import annotations

from typing import Any

import pytest

from talkline.protocol.realtime.client_events import (
    CLIENT_EVENT_TYPES,
    ResponseCancelEvent,
    SessionUpdateEvent,
)
from talkline.realtime.event_router import DuplicateHandler, EventRouter
from talkline.realtime.handlers import router


def test_every_client_event_has_a_handler() -> None:
    assert len(CLIENT_EVENT_TYPES) == 11
    assert all(router.handles(kind) for kind in CLIENT_EVENT_TYPES)


def test_a_second_handler_for_an_event_is_refused() -> None:
    fresh = EventRouter()

    @fresh.on(SessionUpdateEvent)
    async def first(session: Any, event: Any) -> None: ...

    with pytest.raises(DuplicateHandler, match="session.update already has a handler: .*first"):
        @fresh.on(SessionUpdateEvent)
        async def second(session: Any, event: Any) -> None: ...


async def test_dispatch_goes_by_the_events_type() -> None:
    fresh, seen = EventRouter(), []

    @fresh.on(ResponseCancelEvent)
    async def cancel(session: Any, event: ResponseCancelEvent) -> None:
        seen.append((session, event.response_id))

    await fresh.dispatch("the session", ResponseCancelEvent(response_id="resp_1"))
    assert seen == [("the session", "resp_1")] and ResponseCancelEvent().type == "response.cancel"
