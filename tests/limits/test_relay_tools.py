"""Defect 6: a gateway relaying a profile with server tools to a Talkline that serves the same profile.
By default (the upstream's `model` is the profile itself) the upstream runs the tools, so the call works;
an operator who insists the gateway runs them (`tools = "gateway"`) gets sessions refused with an error
that names the cause and the setting, and a close that does not invite a retry."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import websockets

from talkline.engines.base import Engines
from tests.limits.conftest import next_of
from tests.servers import LiveServer, live_server

GATEWAY_KEY = "tl-limits-gateway"
UPSTREAM_KEY = "tl-limits-upstream"
KEY_ENV = "TALKLINE_TEST_LIMITS_UPSTREAM_KEY"


def _profiles(path: Path, upstream: LiveServer, tools: str | None) -> Path:
    placement = f'tools = "{tools}"\n' if tools else ""
    path.write_text(f"""
[profiles.eco.realtime]
kind = "relay"
url = "{upstream.ws_url}/v1/realtime"
model = "eco"
api_key_env = "{KEY_ENV}"
{placement}""", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
async def servers(tmp_path_factory: pytest.TempPathFactory, fake_engines: Engines,
                  eco_models: None) -> AsyncIterator[tuple[LiveServer, LiveServer]]:
    base = tmp_path_factory.mktemp("relay-tools")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(KEY_ENV, UPSTREAM_KEY)
        async with live_server(base / "upstream", fake_engines, api_keys=UPSTREAM_KEY) as upstream:
            natural = _profiles(base / "natural.toml", upstream, None)
            insisting = _profiles(base / "gateway.toml", upstream, "gateway")
            async with live_server(base / "a", fake_engines, api_keys=GATEWAY_KEY, profiles_file=natural) as a, \
                    live_server(base / "b", fake_engines, api_keys=GATEWAY_KEY, profiles_file=insisting) as b:
                yield a, b


def _connect(server: LiveServer) -> websockets.asyncio.client.connect:
    return websockets.connect(f"{server.ws_url}/v1/realtime?model=eco",
                              additional_headers={"Authorization": f"Bearer {GATEWAY_KEY}"})


async def test_by_default_the_upstream_serving_the_same_profile_runs_its_tools(
        servers: tuple[LiveServer, LiveServer]) -> None:
    async with _connect(servers[0]) as ws:
        created = await next_of(ws, "session.created", "error")
        assert created["type"] == "session.created", created
        assert created["session"]["tools"] == []
        await ws.send(json.dumps({"type": "session.update", "session": {"type": "realtime",
                                                                        "output_modalities": ["text"]}}))
        await next_of(ws, "session.updated")
        await ws.send(json.dumps({"type": "conversation.item.create", "item": {"type": "message", "role": "user",
                                  "content": [{"type": "input_text", "text": "How do I throw away batteries?"}]}}))
        await ws.send(json.dumps({"type": "response.create"}))
        texts: list[str] = []
        while (event := await next_of(ws, "response.output_text.delta", "response.done", timeout=60))["type"] \
                != "response.done":
            texts.append(event["delta"])
    assert event["response"]["status"] == "completed", event
    assert "batter" in "".join(texts).lower()


async def test_a_gateway_that_insists_on_running_the_tools_is_told_why_it_is_refused(
        servers: tuple[LiveServer, LiveServer]) -> None:
    async with _connect(servers[1]) as ws:
        error = (await next_of(ws, "error"))["error"]
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert error["code"] == "upstream_refused_session"
    assert "server tool" in error["message"] and 'tools = "upstream"' in error["message"]
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1011
