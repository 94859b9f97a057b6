"""`POST /v1/realtime/calls`: both body shapes, the official SDK, hang-up, and clear JSON refusals."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription
from openai import AsyncOpenAI

from talkline.auth.identity import key_owner
from talkline.auth.secrets import SecretRecord, new_secret
from talkline.bench.webrtc_client import Microphone, hang_up, offer_for, open_call
from talkline.realtime.webrtc.offer import MAX_OFFER_BYTES
from tests.servers import LiveServer
from tests.webrtc.conftest import API_KEY, stored_transcript


async def _offer(*, audio: bool = True, data: bool = True) -> str:
    connection = RTCPeerConnection()
    try:
        if audio:
            connection.addTrack(Microphone())
        if data:
            connection.createDataChannel("oai-events")
        return await offer_for(connection)
    finally:
        await connection.close()


def _without_opus(sdp: str) -> str:
    return "\r\n".join(line for line in sdp.splitlines() if "opus" not in line.lower()) + "\r\n"


async def _post(server: LiveServer, body: bytes | str, *, key: str = API_KEY,
                content_type: str = "application/sdp") -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.http_url, timeout=30) as client:
        return await client.post("/v1/realtime/calls", content=body, params={"model": "eco"},
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": content_type})


async def test_the_official_sdk_creates_a_call_with_a_session(server: LiveServer) -> None:
    connection = RTCPeerConnection()
    connection.addTrack(Microphone())
    channel = connection.createDataChannel("oai-events")
    opened, messages = asyncio.Event(), asyncio.Queue[str]()
    channel.on("open", opened.set)
    channel.on("message", messages.put_nowait)
    client = AsyncOpenAI(base_url=server.http_url + "/v1", api_key=API_KEY)
    try:
        raw = await client.realtime.calls.with_raw_response.create(sdp=await offer_for(connection), session={
            "type": "realtime", "model": "eco", "instructions": "Answer in one short sentence."})
        assert raw.http_response.status_code == 201
        assert raw.headers["content-type"].startswith("application/sdp")
        call_id = raw.headers["location"].rsplit("/", 1)[-1]
        assert raw.headers["location"] == f"/v1/realtime/calls/{call_id}" and call_id.startswith("rtc_")
        answer = raw.http_response.text
        assert answer.startswith("v=0") and "opus/48000" in answer and "webrtc-datachannel" in answer
        await connection.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        await asyncio.wait_for(opened.wait(), 20)
        updated = await _first(messages, "session.updated")
        assert updated["session"]["instructions"] == "Answer in one short sentence."
        assert updated["session"]["model"] == "eco"
        await client.realtime.calls.hangup(call_id)
    finally:
        await connection.close()


async def test_hanging_up_ends_the_call_and_saves_its_transcript(server: LiveServer) -> None:
    async with open_call(server.http_url, API_KEY, model="eco") as call:
        session_id = (await call.wait_for("session.created"))["session"]["id"]
        call.send({"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "Where do batteries go?"}]}})
        await call.wait_for("conversation.item.done")
        assert await hang_up(server.http_url, API_KEY, call.call_id) == 200
        stored = await stored_transcript(server, key_owner(API_KEY), session_id)
        assert stored.messages[0].text == "Where do batteries go?"
        assert await hang_up(server.http_url, API_KEY, call.call_id) == 404


async def test_the_peer_closing_ends_the_call(server: LiveServer) -> None:
    async with open_call(server.http_url, API_KEY, model="eco") as call:
        session_id = (await call.wait_for("session.created"))["session"]["id"]
        call.send({"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "Hello there"}]}})
        await call.wait_for("conversation.item.done")
    stored = await stored_transcript(server, key_owner(API_KEY), session_id)
    assert stored.messages[0].text == "Hello there"
    assert await hang_up(server.http_url, API_KEY, call.call_id) == 404


async def _first(messages: asyncio.Queue[str], kind: str) -> dict:
    import json
    while True:
        event = json.loads(await asyncio.wait_for(messages.get(), 20))
        if event["type"] == kind:
            return event


@pytest.mark.parametrize(("make_body", "status", "code"), [
    (lambda offer: "hello, I am not SDP", 400, "invalid_offer"),
    (lambda offer: "", 400, "invalid_offer"),
    (lambda offer: offer["data_only"], 400, "missing_audio"),
    (lambda offer: offer["audio_only"], 400, "missing_data_channel"),
    (lambda offer: _without_opus(offer["full"]), 400, "unsupported_codec"),
    (lambda offer: "v=0\r\n" + "a=x\r\n" * (MAX_OFFER_BYTES // 5), 413, "request_too_large"),
])
async def test_bad_offers_get_clear_json_errors(server: LiveServer, make_body, status: int, code: str) -> None:  # type: ignore[no-untyped-def]
    offers = {"full": await _offer(), "audio_only": await _offer(data=False), "data_only": await _offer(audio=False)}
    response = await _post(server, make_body(offers))
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"]


async def test_an_offer_the_peer_cannot_take_is_refused_and_holds_no_slot(server: LiveServer) -> None:
    connection = RTCPeerConnection()
    try:
        connection.addTrack(Microphone())
        connection.createDataChannel("oai-events")
        connection.addTransceiver("video")
        offer = await offer_for(connection)
    finally:
        await connection.close()
    video_only_in_codecs_we_lack = offer.replace("VP8/", "AV1/").replace("H264/", "H265/")
    for _ in range(5):  # more than the server's 4 slots: a leaked slot would refuse the last ones with 429
        response = await _post(server, video_only_in_codecs_we_lack)
        assert response.status_code == 400, response.text
        assert response.json()["error"]["code"] == "invalid_offer"
    assert server.runtime.admission.active == 0


async def test_refused_callers_and_content_types(server: LiveServer) -> None:
    offer = await _offer()
    assert (await _post(server, offer, key="wrong")).json()["error"]["code"] == "invalid_api_key"
    wrong_type = await _post(server, offer, content_type="application/json")
    assert wrong_type.status_code == 415 and wrong_type.json()["error"]["code"] == "unsupported_media_type"
    expired = new_secret()
    await server.runtime.secrets.put(expired, SecretRecord(owner="key_x", session={"type": "realtime", "model": "eco"},
                                                           expires_at=int(time.time()) - 1))
    response = await _post(server, offer, key=expired)
    assert response.status_code == 401 and response.json()["error"]["code"] == "client_secret_expired"
    assert expired not in response.text


async def test_a_client_secret_fixes_the_profile_and_what_it_locks(server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=server.http_url, timeout=30) as client:
        minted = await client.post("/v1/realtime/client_secrets", headers={"Authorization": f"Bearer {API_KEY}"},
                                   json={"session": {"type": "realtime", "model": "eco", "instructions": "Be brief."}})
    secret = minted.json()["value"]
    async with open_call(server.http_url, secret) as call:
        created = await call.wait_for("session.created")
        assert created["session"]["model"] == "eco" and created["session"]["instructions"] == "Be brief."
    async with httpx.AsyncClient(base_url=server.http_url, timeout=30) as client:
        widened = await client.post("/v1/realtime/calls", headers={"Authorization": f"Bearer {secret}"}, files={
            "sdp": (None, (await _offer()).encode(), "application/sdp"),
            "session": (None, b'{"type": "realtime", "instructions": "Say anything."}', "application/json")})
    assert widened.status_code == 400 and widened.json()["error"]["code"] == "session_field_locked"
