"""Two Talklines for the relay tests (the real app, in-process): B serves Realtime on its engines, A relays
its `practice` profile to B's `eco` and adds a server tool of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from openai import AsyncOpenAI

from talkline.engines.base import Engines
from tests.servers import LiveServer, live_server

GATEWAY_KEY = "tl-relay-gateway-key"
UPSTREAM_KEY = "tl-relay-upstream-key"
UPSTREAM_KEY_ENV = "TALKLINE_TEST_RELAY_UPSTREAM_KEY"


@dataclass(frozen=True)
class RelayPair:
    gateway: LiveServer  # Talkline A: the relay
    upstream: LiveServer  # Talkline B: its engines

    def client(self, server: LiveServer, key: str) -> AsyncOpenAI:
        return AsyncOpenAI(base_url=server.http_url + "/v1", api_key=key, websocket_base_url=server.ws_url + "/v1")

    @property
    def relayed(self) -> AsyncOpenAI:
        return self.client(self.gateway, GATEWAY_KEY)


def relay_profiles_file(path: Path, upstream: LiveServer) -> Path:
    path.write_text(f"""
[profiles.practice]
tools = ["tests.relay.gateway_tools:registry"]

[profiles.practice.realtime]
kind = "relay"
url = "{upstream.ws_url}/v1/realtime"
model = "eco"
api_key_env = "{UPSTREAM_KEY_ENV}"
""", encoding="utf-8")
    return path


@asynccontextmanager
async def relay_pair_on(base: Path, engines: Engines) -> AsyncIterator[RelayPair]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(UPSTREAM_KEY_ENV, UPSTREAM_KEY)
        async with live_server(base / "upstream", engines, api_keys=UPSTREAM_KEY, max_sessions=6) as b:
            profiles = relay_profiles_file(base / "profiles.toml", b)
            async with live_server(base / "gateway", engines, api_keys=GATEWAY_KEY, profiles_file=profiles,
                                   max_sessions=6) as a:
                yield RelayPair(gateway=a, upstream=b)


@pytest.fixture(scope="module")
async def relay_pair(tmp_path_factory: pytest.TempPathFactory, fake_engines: Engines,
                     eco_models: None) -> AsyncIterator[RelayPair]:
    async with relay_pair_on(Path(tmp_path_factory.mktemp("relay")), fake_engines) as pair:
        yield pair


@pytest.fixture(scope="module")
async def e2e_relay_pair(tmp_path_factory: pytest.TempPathFactory, local_engines: Engines,
                         eco_models: None) -> AsyncIterator[RelayPair]:
    async with relay_pair_on(Path(tmp_path_factory.mktemp("relay-e2e")), local_engines) as pair:
        yield pair
