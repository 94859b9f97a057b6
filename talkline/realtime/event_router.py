"""Client events are handled by functions registered per event type with a decorator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

Handler = Callable[[Any, Any], Awaitable[None]]
H = TypeVar("H", bound=Handler)


class EventRouter:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def on(self, event_type: str) -> Callable[[H], H]:
        def register(handler: H) -> H:
            self._handlers[event_type] = handler
            return handler

        return register

    def handles(self, event_type: str) -> bool:
        return event_type in self._handlers

    async def dispatch(self, session: Any, event: Any) -> None:
        await self._handlers[event.type](session, event)
