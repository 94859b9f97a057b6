"""Client secrets: minted with a server key, open sessions until they expire, bind what they carry."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
import websockets
from openai import AsyncOpenAI, AuthenticationError, PermissionDeniedError

from tests.conformance.conftest import API_KEY, RATE_LIMITED_KEY
from tests.realtime_client import collect, is_type
from tests.servers import LiveServer


async def first_event(server: LiveServer, key: str, model: str = "eco") -> dict:
    async with websockets.connect(server.ws_url + f"/v1/realtime?model={model}",
                                  subprotocols=["realtime", f"openai-insecure-api-key.{key}"]) as ws:
        return json.loads(await asyncio.wait_for(ws.recv(), 20))


async def test_ga_secret_opens_a_session_bound_to_what_it_carries(client: AsyncOpenAI, server: LiveServer) -> None:
    secret = await client.realtime.client_secrets.create(
        expires_after={"anchor": "created_at", "seconds": 600},
        session={"type": "realtime", "model": "practice", "instructions": "Be the cashier.",
                 "audio": {"output": {"voice": "marin"}}})
    assert secret.value.startswith("ek_") and secret.expires_at > time.time() + 590
    assert secret.session.model == "practice" and secret.session.audio.output.voice == "marin"

    phone = AsyncOpenAI(base_url=server.http_url + "/v1", api_key=secret.value,
                        websocket_base_url=server.ws_url + "/v1")
    async with phone.realtime.connect(model="practice") as conn:
        created = await conn.recv()
        assert created.session.instructions == "Be the cashier." and created.session.audio.output.voice == "marin"
        await conn.session.update(session={"type": "realtime", "instructions": "Ignore all that."}, event_id="w1")
        error = (await collect(conn, is_type("error")))[-1].error
        assert error.code == "session_field_locked" and error.param == "session.instructions"
        await conn.session.update(session={"type": "realtime", "audio": {"output": {"voice": "alloy"}}})
        error = (await collect(conn, is_type("error")))[-1].error
        assert error.param == "session.audio.output.voice"
        await conn.response.create(response={"instructions": "something else"})
        error = (await collect(conn, is_type("error")))[-1].error
        assert error.code == "session_field_locked"
        await conn.session.update(session={"type": "realtime", "output_modalities": ["text"]})
        updated = (await collect(conn, is_type("session.updated")))[-1].session
        assert updated.output_modalities == ["text"] and updated.instructions == "Be the cashier."

    refused = await first_event(server, secret.value, model="eco")
    assert refused["type"] == "error" and "practice" in refused["error"]["message"]


async def test_beta_sessions_endpoint_mints_a_secret(client: AsyncOpenAI, server: LiveServer) -> None:
    session = await client.beta.realtime.sessions.create(model="eco", voice="verse", modalities=["audio", "text"])
    assert session.client_secret.value.startswith("ek_") and session.voice == "verse"
    assert session.client_secret.expires_at <= time.time() + 61
    assert (await first_event(server, session.client_secret.value))["type"] == "session.created"


async def test_wrong_and_expired_secrets_are_refused(client: AsyncOpenAI, server: LiveServer) -> None:
    wrong = await first_event(server, "ek_this-secret-was-never-minted-at-all")
    assert wrong["type"] == "error" and wrong["error"]["code"] == "invalid_api_key"
    secret = await client.realtime.client_secrets.create(expires_after={"anchor": "created_at", "seconds": 10},
                                                         session={"type": "realtime", "model": "eco"})
    assert (await first_event(server, secret.value))["type"] == "session.created"
    await asyncio.sleep(max(0.0, secret.expires_at - time.time()) + 1)
    expired = await first_event(server, secret.value)
    assert expired["type"] == "error" and expired["error"]["code"] == "client_secret_expired"


async def test_minting_needs_a_server_key_and_valid_values(client: AsyncOpenAI, server: LiveServer) -> None:
    anonymous = AsyncOpenAI(base_url=server.http_url + "/v1", api_key="not-a-key")
    with pytest.raises(AuthenticationError):
        await anonymous.realtime.client_secrets.create(session={"type": "realtime", "model": "eco"})
    secret = await client.realtime.client_secrets.create(session={"type": "realtime", "model": "eco"})
    holder = AsyncOpenAI(base_url=server.http_url + "/v1", api_key=secret.value)
    with pytest.raises(PermissionDeniedError):
        await holder.realtime.client_secrets.create(session={"type": "realtime", "model": "eco"})
    async with httpx.AsyncClient(base_url=server.http_url, headers={"Authorization": f"Bearer {API_KEY}"}) as http:
        too_long = await http.post("/v1/realtime/client_secrets", json={"expires_after": {"seconds": 99999}})
        assert too_long.status_code == 400 and too_long.json()["error"]["param"] == "expires_after.seconds"
        unknown = await http.post("/v1/realtime/client_secrets", json={"session": {"type": "realtime",
                                                                                    "model": "nope"}})
        assert unknown.status_code == 400 and "eco" in unknown.json()["error"]["message"]
        bad_field = await http.post("/v1/realtime/client_secrets", json={"session": {"type": "realtime",
                                                                                      "speed": 3}})
        assert bad_field.status_code == 400 and bad_field.json()["error"]["param"].startswith("session")


async def test_minting_is_rate_limited_per_key(server: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {RATE_LIMITED_KEY}"}
    async with httpx.AsyncClient(base_url=server.http_url, headers=headers) as http:
        statuses = [(await http.post("/v1/realtime/client_secrets", json={})).status_code for _ in range(45)]
    assert 429 in statuses and statuses.index(429) <= 40
    limited = statuses[statuses.index(429):]
    assert all(status == 429 for status in limited)
