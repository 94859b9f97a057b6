"""One session engine for both transports: capacity, the maximum session duration, relay profiles and
practice feedback work over `POST /v1/realtime/calls` as they do over the WebSocket."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import websockets
from aiortc import RTCPeerConnection

from talkline.auth.identity import key_owner
from talkline.bench.webrtc_client import Microphone, hang_up, offer_for, open_call, post_offer
from talkline.engines.base import Engines
from talkline.engines.fake import fake_speech
from talkline.engines.fake.speech import FakeSTT
from tests.relay.conftest import GATEWAY_KEY, relay_pair_on
from tests.servers import LiveServer, live_server
from tests.webrtc.conftest import API_KEY, stored_transcript

ENGLISH = {"type": "realtime", "audio": {"input": {"transcription": {"model": "whisper-1", "language": "en"}}}}


async def _refusal(server: LiveServer) -> httpx.Response:
    """The server's answer to one more offer, which it is expected to refuse."""
    connection = RTCPeerConnection()
    connection.addTrack(Microphone())
    connection.createDataChannel("oai-events")
    try:
        await post_offer(server.http_url, API_KEY, await offer_for(connection), model="eco")
    except httpx.HTTPStatusError as exc:
        return exc.response
    finally:
        await connection.close()
    raise AssertionError("the offer was answered")


async def _refused_count(server: LiveServer) -> float:
    async with httpx.AsyncClient(base_url=server.http_url, timeout=10) as client:
        metrics = (await client.get("/metrics")).text
    line = next((line for line in metrics.splitlines()
                 if line.startswith('talkline_sessions_refused_total{reason="capacity"}')), None)
    return float(line.split()[-1]) if line else 0.0


async def _eventually(condition: Callable[[], bool], timeout: float) -> bool:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


async def test_past_capacity_a_call_is_refused_and_a_hung_up_call_frees_its_slot_at_once(
        tmp_path: Path, fake_engines: Engines, eco_models: None) -> None:
    async with live_server(tmp_path, fake_engines, api_keys=API_KEY, max_sessions=2) as server, \
            AsyncExitStack() as stack:
        calls = [await stack.enter_async_context(open_call(server.http_url, API_KEY, model="eco")) for _ in range(2)]
        for call in calls:
            await call.wait_for("session.created")
        refused_before = await _refused_count(server)
        refused = await _refusal(server)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "session_limit_reached" and refused.json()["error"]["message"]
        assert await _refused_count(server) == refused_before + 1
        # calls and WebSocket sessions share the server's capacity
        async with websockets.connect(f"{server.ws_url}/v1/realtime?model=eco",
                                      additional_headers={"Authorization": f"Bearer {API_KEY}"}) as socket:
            error = json.loads(await asyncio.wait_for(socket.recv(), 10))
        assert error["type"] == "error" and error["error"]["code"] == "session_limit_reached"

        leaving = calls.pop()
        for index in range(20):  # a conversation to save and a response to cancel as it leaves
            leaving.send({"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": [
                {"type": "input_text", "text": f"how do I throw away batteries {index}?"}]}})
        leaving.send({"type": "response.create"})
        await leaving.wait_for("response.created")
        assert await hang_up(server.http_url, API_KEY, leaving.call_id) == 200
        joining = await stack.enter_async_context(open_call(server.http_url, API_KEY, model="eco"))
        assert (await joining.wait_for("session.created"))["session"]["model"] == "eco"


async def test_a_call_ends_at_the_maximum_session_duration(tmp_path: Path, fake_engines: Engines,
                                                           eco_models: None) -> None:
    # 6 s: room for the turn below on a loaded machine before the session ends
    async with live_server(tmp_path, fake_engines, api_keys=API_KEY, session_max_seconds=6) as server:
        async with open_call(server.http_url, API_KEY, model="eco") as call:
            created = await call.wait_for("session.created")
            assert created["session"]["expires_at"] <= time.time() + 6
            call.send({"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": [
                {"type": "input_text", "text": "Where do batteries go?"}]}})
            await call.wait_for("conversation.item.done")
            error = await call.wait_for("error", timeout=10)
            assert error["error"]["code"] == "session_expired"
            assert "6 seconds" in error["error"]["message"]
            assert await _eventually(lambda: call.connection.connectionState in ("closed", "failed"), 10)
        assert await hang_up(server.http_url, API_KEY, call.call_id) == 404
        assert await _eventually(lambda: server.runtime.admission.active == 0, 5)
        stored = await stored_transcript(server, key_owner(API_KEY), created["session"]["id"])
        assert stored.messages[0].text == "Where do batteries go?"


async def test_a_relayed_profile_answers_a_call(tmp_path: Path, fake_engines: Engines, eco_models: None) -> None:
    async with relay_pair_on(tmp_path, fake_engines) as pair:
        async with open_call(pair.gateway.http_url, GATEWAY_KEY, model="practice") as call:
            created = await call.wait_for("session.created")
            call.send({"type": "session.update", "session": ENGLISH})
            await call.wait_for("session.updated")
            call.microphone.say(fake_speech("Where do batteries go?"))
            transcript = await call.wait_for("conversation.item.input_audio_transcription.completed", timeout=30)
            done = await call.wait_for("response.done", timeout=30)
            stopped = await call.wait_for("output_audio_buffer.stopped", timeout=30)
            await asyncio.sleep(0.5)  # the last frames are still in flight when the server has played them
        forwarded = await _relay_forwarded(pair.gateway)
        stored = await stored_transcript(pair.gateway, key_owner(GATEWAY_KEY), created["session"]["id"])
    assert created["session"]["model"] == "practice"
    assert transcript["transcript"] == "Where do batteries go?"
    assert done["response"]["status"] == "completed" and stopped["response_id"] == done["response"]["id"]
    spoken = _spoken(done)
    assert "batter" in spoken.lower()  # eco answered, on the upstream Talkline
    assert forwarded > 0
    heard = await FakeSTT().transcribe(call.speaker.pcm())
    assert _letters(heard.text) == _letters(spoken)  # the upstream's answer was played on the call's track
    assert [message.text for message in stored.messages][:1] == ["Where do batteries go?"]  # the gateway's record


async def test_a_practice_call_gets_its_transcript_and_feedback_saved(server: LiveServer) -> None:
    options = {"scenario": "restaurant", "language": "en"}  # not the default scenario; as `/v1/realtime?…` takes it
    async with open_call(server.http_url, API_KEY, model="practice", options=options) as call:
        created = await call.wait_for("session.created")
        call.send({"type": "session.update", "session": ENGLISH})
        await call.wait_for("session.updated")
        call.send({"type": "response.create"})  # the persona answers the phone, as the page asks
        opening = await call.wait_for("response.done", timeout=30)
        await call.wait_for("output_audio_buffer.stopped", timeout=30)
        call.microphone.say(fake_speech("Two, please."))
        transcript = await call.wait_for("conversation.item.input_audio_transcription.completed", timeout=30)
        await call.wait_for("response.done", timeout=30, after=call.events.index(opening) + 1)
        assert await hang_up(server.http_url, API_KEY, call.call_id) == 200
    saved = await _practice_session(server, created["session"]["id"])
    assert "Restaurant" in _spoken(opening)  # the query's options chose the scenario, not the default (mart)
    assert transcript["transcript"] == "Two, please."
    assert [message["role"] for message in saved["messages"]] == ["assistant", "user", "assistant"]
    assert saved["messages"][1]["text"] == "Two, please."
    assert saved["scenario"] == "restaurant"
    feedback = saved["feedback"]
    assert feedback["scenario"] == "restaurant" and feedback["turns"] == 1 and feedback["outcome"] == "unfinished"
    assert feedback["steps"][0]["id"] == "party" and feedback["steps"][0]["status"] == "done"


async def test_the_query_is_read_as_the_websockets_is(server: LiveServer) -> None:
    connection = RTCPeerConnection()
    connection.addTrack(Microphone())
    connection.createDataChannel("oai-events")
    offer = await offer_for(connection)
    await connection.close()
    async with httpx.AsyncClient(base_url=server.http_url, timeout=30, headers={
            "Authorization": f"Bearer {API_KEY}", "Content-Type": "application/sdp"}) as client:
        unknown = await client.post("/v1/realtime/calls", params={"model": "practice", "scenario": "moon"},
                                    content=offer)
        speculate = await client.post("/v1/realtime/calls", params={"model": "eco", "speculate": "maybe"},
                                      content=offer)
    assert unknown.status_code == 400 and unknown.json()["error"]["param"] == "options"
    assert speculate.status_code == 400 and speculate.json()["error"]["param"] == "speculate"
    async with open_call(server.http_url, API_KEY, model="eco", options={"speculate": "off"}) as call:
        assert (await call.wait_for("session.created"))["session"]["model"] == "eco"


async def _practice_session(server: LiveServer, session_id: str) -> dict[str, Any]:
    """The stored practice call, as the page fetches it once the call has ended."""
    deadline = time.monotonic() + 15
    async with httpx.AsyncClient(base_url=server.http_url, timeout=10,
                                 headers={"Authorization": f"Bearer {API_KEY}"}) as client:
        while True:
            response = await client.get(f"/v1/practice/sessions/{session_id}")
            if response.status_code == 200 and response.json().get("feedback"):
                return dict(response.json())
            if time.monotonic() > deadline:
                raise AssertionError(f"no practice session {session_id}: {response.status_code} {response.text}")
            await asyncio.sleep(0.2)


async def _relay_forwarded(gateway: LiveServer) -> float:
    async with httpx.AsyncClient(base_url=gateway.http_url, timeout=10) as client:
        metrics = (await client.get("/metrics")).text
    return sum(float(line.split()[-1]) for line in metrics.splitlines()
               if line.startswith("talkline_relay_forward_seconds_count"))


def _spoken(done: dict[str, Any]) -> str:
    message = next(item for item in done["response"]["output"] if item["type"] == "message")
    return str(message["content"][0]["transcript"])


def _letters(text: str) -> str:
    return "".join(text.split())
