"""Defect 5: a key with non-ASCII characters is an invalid key like any other: 401 JSON over HTTP, a typed
`error` event and a policy close over the WebSocket; never a 500 or an abnormal close."""

from __future__ import annotations

import json

import httpx
import pytest
import websockets

from talkline.auth.identity import Authenticator, AuthError
from talkline.auth.secrets import MemorySecretStore
from talkline.settings import Settings
from tests.servers import LiveServer

NON_ASCII_KEYS = ["ключ-доступа", "키-테스트", "tl-limits-kéy", "🔑"]


@pytest.mark.parametrize("key", NON_ASCII_KEYS)
async def test_a_non_ascii_key_is_simply_invalid(key: str) -> None:
    authenticator = Authenticator(Settings(api_keys="tl-limits-key"), MemorySecretStore())
    with pytest.raises(AuthError) as refused:
        await authenticator.authenticate(key, "10.0.0.1")
    assert (refused.value.status, refused.value.code) == (401, "invalid_api_key")


async def test_non_ascii_keys_get_401_json_over_http(server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=server.http_url, timeout=10) as http:
        for key in NON_ASCII_KEYS:
            by_query = await http.post("/v1/chat", params={"api-key": key},
                                       json={"session_id": "s1", "message": "hello"})
            assert by_query.status_code == 401 and by_query.json()["error"]["code"] == "invalid_api_key"
            raw = ("Bearer " + key).encode("utf-8")  # sent as raw bytes; the server reads them as latin-1
            by_header = await http.post("/v1/chat/completions", headers={"Authorization": raw},
                                        json={"model": "eco", "messages": [{"role": "user", "content": "hi"}]})
            assert by_header.status_code == 401 and by_header.json()["error"]["code"] == "invalid_api_key"


async def test_non_ascii_keys_get_a_typed_error_and_a_policy_close_over_the_websocket(server: LiveServer) -> None:
    for key in NON_ASCII_KEYS:
        url = f"{server.ws_url}/v1/realtime?model=eco&api-key={httpx.QueryParams({'k': key})['k']}"
        url = str(httpx.URL(url))
        async with websockets.connect(url) as ws:
            event = json.loads(await ws.recv())
            assert event["type"] == "error" and event["error"]["code"] == "invalid_api_key"
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
