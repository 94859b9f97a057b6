"""The conformance suite runs the official `openai` SDK against a Talkline server (the real app under
uvicorn, in-process): the fake engines for the protocol, the real models for the end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from openai import AsyncOpenAI

from talkline.engines.base import Engines
from tests.servers import LiveServer, live_server

API_KEY = "tl-conformance-key"
RATE_LIMITED_KEY = "tl-second-key"  # its own minting budget, so the rate-limit test spares the others
MAX_SESSIONS = 6
SETTINGS = {"api_keys": f"{API_KEY},{RATE_LIMITED_KEY}", "max_sessions": MAX_SESSIONS, "secret_mint_per_minute": 40}


@pytest.fixture(scope="session")
async def server(tmp_path_factory: pytest.TempPathFactory, fake_engines: Engines,
                 eco_models: None) -> AsyncIterator[LiveServer]:
    async with live_server(tmp_path_factory.mktemp("conformance"), fake_engines, **SETTINGS) as running:
        yield running


@pytest.fixture(scope="session")
async def e2e_server(tmp_path_factory: pytest.TempPathFactory, local_engines: Engines,
                     eco_models: None) -> AsyncIterator[LiveServer]:
    async with live_server(tmp_path_factory.mktemp("conformance-e2e"), local_engines, **SETTINGS) as running:
        yield running


def sdk(server: LiveServer, key: str = API_KEY) -> AsyncOpenAI:
    return AsyncOpenAI(base_url=server.http_url + "/v1", api_key=key, websocket_base_url=server.ws_url + "/v1")


@pytest.fixture
def client(server: LiveServer) -> AsyncOpenAI:
    return sdk(server)


@pytest.fixture
def e2e_client(e2e_server: LiveServer) -> AsyncOpenAI:
    return sdk(e2e_server)
