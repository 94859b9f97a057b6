"""Two real Talkline processes for the relay tests: B serves Realtime on its local engines, A relays its
`practice` profile to B's `eco` and adds a server tool of its own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from openai import AsyncOpenAI

from tests.server_process import ServerProcess, talkline_server

GATEWAY_KEY = "tl-relay-gateway-key"
UPSTREAM_KEY = "tl-relay-upstream-key"
UPSTREAM_KEY_ENV = "TALKLINE_TEST_RELAY_UPSTREAM_KEY"


@dataclass(frozen=True)
class RelayPair:
    gateway: ServerProcess  # Talkline A: the relay
    upstream: ServerProcess  # Talkline B: local engines

    def client(self, server: ServerProcess, key: str) -> AsyncOpenAI:
        return AsyncOpenAI(base_url=server.http_url + "/v1", api_key=key, websocket_base_url=server.ws_url + "/v1")

    @property
    def relayed(self) -> AsyncOpenAI:
        return self.client(self.gateway, GATEWAY_KEY)


def relay_profiles_file(path: Path, upstream: ServerProcess) -> Path:
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


@pytest.fixture(scope="module")
def relay_pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RelayPair]:
    base = Path(tmp_path_factory.mktemp("relay"))
    with talkline_server(base / "upstream", {"TALKLINE_API_KEYS": UPSTREAM_KEY, "TALKLINE_MAX_SESSIONS": "6"}) as b:
        profiles = relay_profiles_file(base / "profiles.toml", b)
        env = {"TALKLINE_API_KEYS": GATEWAY_KEY, "TALKLINE_PROFILES_FILE": str(profiles),
               UPSTREAM_KEY_ENV: UPSTREAM_KEY, "TALKLINE_MAX_SESSIONS": "6"}
        with talkline_server(base / "gateway", env) as a:
            yield RelayPair(gateway=a, upstream=b)
