"""Limits and guarantees (issue 13): one live server on the fake engines with two keys, raw HTTP and
WebSocket clients, so each test sees exactly what a client would (status, JSON error, typed event, close)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import websockets

from talkline.engines.base import Engines
from tests.servers import LiveServer, live_server

KEY = "tl-limits-key"
LIMITS = {"max_sessions": 3, "message_max_chars": 2000, "conversation_max_chars": 6000,
          "instructions_max_chars": 3000, "json_body_max_bytes": 64 * 1024,
          "input_audio_buffer_max_seconds": 5.0}


@pytest.fixture(scope="session")
async def server(tmp_path_factory: pytest.TempPathFactory, fake_engines: Engines,
                 eco_models: None) -> AsyncIterator[LiveServer]:
    async with live_server(tmp_path_factory.mktemp("limits"), fake_engines, api_keys=KEY, **LIMITS) as running:
        yield running


@pytest.fixture
async def http(server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.http_url, headers={"Authorization": f"Bearer {KEY}"},
                                 timeout=30) as client:
        yield client


async def mint(http: httpx.AsyncClient, session: dict[str, Any] | None = None,
               options: dict[str, str] | None = None) -> str:
    body: dict[str, Any] = {"session": {"type": "realtime", **(session or {})}}
    if options:
        body["talkline"] = {"options": options}
    response = await http.post("/v1/realtime/client_secrets", json=body)
    assert response.status_code == 200, response.text
    return str(response.json()["value"])


def connect(server: LiveServer, key: str, model: str = "eco", **headers: str) -> Any:
    return websockets.connect(f"{server.ws_url}/v1/realtime?model={model}", max_size=64 * 1024 * 1024,
                              additional_headers={"Authorization": f"Bearer {key}", **headers})


async def next_of(ws: Any, *wanted: str, timeout: float = 20.0) -> dict[str, Any]:
    """The next event of one of these types (others are skipped)."""
    import asyncio

    async def read() -> dict[str, Any]:
        while True:
            event = json.loads(await ws.recv())
            if event["type"] in wanted:
                return event

    return await asyncio.wait_for(read(), timeout)
