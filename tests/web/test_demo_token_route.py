"""`POST /v1/demo/client_secret`: the call page's own token route. On only in anonymous loopback mode
or when configured, loopback-only when anonymous, rate-limited, and minting secrets bound to the
chosen profile options, so no server key ever reaches a browser."""

from __future__ import annotations

import functools
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from talkline.auth.ratelimit import MemoryRateLimiter
from talkline.auth.secrets import MemorySecretStore
from talkline.http_errors import install_error_handlers
from talkline.profiles.base import ProfileRegistry
from talkline.profiles.registry import builtin_profiles
from talkline.realtime.client_secrets import SecretMinter, secrets_router
from talkline.settings import Settings

LOOPBACK = ("127.0.0.1", 50000)
REMOTE = ("203.0.113.7", 50000)


@functools.cache
def profiles() -> ProfileRegistry:
    return builtin_profiles()


class DemoServer:
    def __init__(self, limit: int = 30, **settings: Any) -> None:
        self.settings = Settings(secret_mint_per_minute=limit, **settings)
        self.store = MemorySecretStore()
        minter = SecretMinter(self.settings, profiles(), self.store, MemoryRateLimiter(limit))
        self.app = FastAPI()
        install_error_handlers(self.app)

        async def no_caller() -> None:
            raise AssertionError("the demo route must not ask for the caller's key")

        self.app.include_router(secrets_router(minter, no_caller))

    async def mint(self, body: dict[str, Any], client: tuple[str, int] = LOOPBACK) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url="http://talkline") as http:
            return await http.post("/v1/demo/client_secret", json=body)


async def test_anonymous_loopback_mints_a_secret_bound_to_the_practice_options() -> None:
    server = DemoServer()
    response = await server.mint({"profile": "practice", "scenario": "mart", "persona": "saerom"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["value"].startswith("ek_") and body["session"]["model"] == "practice"
    record = await server.store.get(body["value"])
    assert record is not None and record.options == {"scenario": "mart", "persona": "saerom"}
    assert record.owner.startswith("demo:127.0.0.1/ek_")


async def test_a_chosen_voice_is_bound_to_the_session() -> None:
    body = (await DemoServer().mint({"profile": "eco", "voice": "marin"})).json()
    assert body["session"]["audio"]["output"]["voice"] == "marin"


@pytest.mark.parametrize("settings", [
    {"demo_token_route": False},
    {"api_keys": "tl-some-key"},  # a server with keys hands out demo tokens only when told to
])
async def test_the_route_is_off_unless_enabled(settings: dict[str, Any]) -> None:
    response = await DemoServer(**settings).mint({"profile": "eco"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


async def test_a_keyed_server_with_the_route_on_mints_without_any_key() -> None:
    server = DemoServer(api_keys="tl-some-key", demo_token_route=True)
    assert (await server.mint({"profile": "eco"}, client=REMOTE)).status_code == 200


async def test_an_anonymous_server_refuses_callers_from_elsewhere() -> None:
    response = await DemoServer().mint({"profile": "eco"}, client=REMOTE)
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(("body", "param"), [
    ({"profile": "nope"}, "profile"),
    ({"profile": "practice", "scenario": "moon"}, "options"),
    ({"profile": "eco", "scenario": "mart"}, "scenario"),
    ({"profile": "eco", "instructions": "be someone else"}, "instructions"),
])
async def test_bad_choices_are_refused_before_anything_is_minted(body: dict[str, Any], param: str) -> None:
    server = DemoServer(limit=1)
    response = await server.mint(body)
    assert response.status_code == 400 and response.json()["error"]["param"] == param
    assert (await server.mint({"profile": "eco"})).status_code == 200  # the refusals spent no budget


async def test_minting_is_rate_limited_per_client_address() -> None:
    server = DemoServer(limit=2, api_keys="tl-some-key", demo_token_route=True)
    assert [(await server.mint({"profile": "eco"}, client=REMOTE)).status_code for _ in range(2)] == [200, 200]
    refused = await server.mint({"profile": "eco"}, client=REMOTE)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
    assert (await server.mint({"profile": "eco"}, client=("198.51.100.9", 1))).status_code == 200


async def test_the_page_sends_the_cards_options_and_a_learner_id() -> None:
    """Options come by name from the profile card; the learner id files calls (and history) under one person."""
    server = DemoServer()
    learner = "0f8e2a4c-1b7d-4e55-9a0b-3c6d8e9f1a2b"
    response = await server.mint({"profile": "practice", "user": learner,
                                  "options": {"scenario": "bank", "persona": "saerom", "language": "en"}})
    assert response.status_code == 200, response.text
    record = await server.store.get(response.json()["value"])
    assert record is not None and record.options == {"scenario": "bank", "persona": "saerom", "language": "en"}
    assert record.owner == f"demo:127.0.0.1/{learner}"
    refused = await server.mint({"profile": "practice", "user": "../../etc"})
    assert refused.status_code == 400  # only letters, digits, - and _
    unknown = await server.mint({"profile": "practice", "options": {"scenario": "moon"}})
    assert unknown.status_code == 400 and unknown.json()["error"]["param"] == "options"
