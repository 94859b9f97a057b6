"""Client events are handled by functions registered per event class with a decorator:

    @router.on(SessionUpdateEvent)
    async def session_update(session: RealtimeSession, event: SessionUpdateEvent) -> None: ...

The event's type string comes from its class; a second handler for the same event is refused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from talkline.protocol.realtime.wire import event_type

Handler = Callable[[Any, Any], Awaitable[None]]
H = TypeVar("H", bound=Handler)


class DuplicateHandler(ValueError):
    pass


class EventRouter:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def on(self, event: type[BaseModel]) -> Callable[[H], H]:
        kind = event_type(event)

        def register(handler: H) -> H:
            if kind in self._handlers:
                raise DuplicateHandler(f"{kind} already has a handler: {self._handlers[kind].__qualname__}")
            self._handlers[kind] = handler
            return handler

        return register

    def handles(self, kind: str) -> bool:
        return kind in self._handlers

    async def dispatch(self, session: Any, event: Any) -> None:
        await self._handlers[event.type](session, event)
