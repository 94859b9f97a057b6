"""Helpers that let the official `openai` SDK judge our wire format."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from openai import AsyncOpenAI
from pydantic import BaseModel
from websockets.asyncio.server import ServerConnection, serve


def unknown_fields(model: Any, path: str = "") -> set[str]:
    """Paths of fields the SDK model did not declare (its models accept extras silently)."""
    found: set[str] = set()
    if isinstance(model, BaseModel):
        found |= {f"{path}.{key}".lstrip(".") for key in model.model_extra or {}}
        for name in type(model).model_fields:
            found |= unknown_fields(getattr(model, name), f"{path}.{name}")
    elif isinstance(model, list):
        for index, item in enumerate(model):
            found |= unknown_fields(item, f"{path}[{index}]")
    return found


async def sdk_client_frames(drive: Callable[[Any], Awaitable[None]], *, beta: bool = False) -> list[str]:
    """Text frames the real SDK sends over a loopback WebSocket while `drive(connection)` runs."""
    frames: list[str] = []
    finished = asyncio.Event()

    async def record(websocket: ServerConnection) -> None:
        async for message in websocket:
            frames.append(str(message))
        finished.set()

    async with serve(record, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        client = AsyncOpenAI(api_key="sk-test", websocket_base_url=f"ws://127.0.0.1:{port}/v1")
        realtime = client.beta.realtime if beta else client.realtime
        model = "gpt-4o-realtime-preview" if beta else "gpt-realtime"
        async with realtime.connect(model=model) as connection:
            await drive(connection)
        await finished.wait()
    return frames
