"""The session's connection to its client: text frames in, JSON events out.

Tests drive a session through a scripted transport with the same two methods.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState


class ClientGone(Exception):
    """The client closed the connection."""


class Transport(Protocol):
    async def receive(self) -> str | bytes | None:
        """The next frame, or None once the client has gone."""
        ...

    async def send(self, event: dict[str, Any]) -> None: ...

    async def close(self, code: int = 1000, reason: str = "") -> None: ...


class WebSocketTransport:
    def __init__(self, websocket: WebSocket, on_gone: Callable[[], None] | None = None) -> None:
        self.websocket = websocket
        self.on_gone = on_gone  # called once the client has gone (frees its session slot at once)

    async def receive(self) -> str | bytes | None:
        try:
            message = await self.websocket.receive()
        except (WebSocketDisconnect, RuntimeError):
            return self._gone()
        if message["type"] == "websocket.disconnect":
            return self._gone()
        return message.get("text") if message.get("text") is not None else message.get("bytes", b"")

    def _gone(self) -> None:
        if self.on_gone is not None:
            self.on_gone()
        return None

    async def send(self, event: dict[str, Any]) -> None:
        if self.websocket.application_state is not WebSocketState.CONNECTED:
            raise ClientGone()
        try:
            await self.websocket.send_text(json.dumps(event, ensure_ascii=False, separators=(",", ":")))
        except (WebSocketDisconnect, RuntimeError, OSError) as exc:
            raise ClientGone() from exc

    async def close(self, code: int = 1000, reason: str = "") -> None:
        if self.websocket.application_state is WebSocketState.CONNECTED:
            try:
                await self.websocket.close(code=code, reason=reason)
            except (RuntimeError, OSError):
                pass
