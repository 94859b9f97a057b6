"""Live calls by id, for what reaches a call from outside it: hang-up and sideband control."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol


class CallLine(Protocol):
    """What a call's transport offers to the outside."""

    def deliver(self, message: str | bytes) -> None: ...

    def listen(self) -> asyncio.Queue[dict[str, Any] | None]: ...

    def unlisten(self, queue: asyncio.Queue[dict[str, Any] | None]) -> None: ...

    def end(self) -> None: ...

    @property
    def live(self) -> bool: ...


@dataclass(frozen=True)
class LiveCall:
    id: str
    owner: str
    line: CallLine


class CallRegistry:
    def __init__(self) -> None:
        self._calls: dict[str, LiveCall] = {}

    def add(self, call: LiveCall) -> None:
        self._calls[call.id] = call

    def get(self, call_id: str) -> LiveCall | None:
        """The call, while it is live (an ended call may still be saving its transcript)."""
        call = self._calls.get(call_id)
        return call if call is not None and call.line.live else None

    def remove(self, call_id: str) -> None:
        self._calls.pop(call_id, None)

    def __len__(self) -> int:
        return len(self._calls)
