"""A whole call from an aiortc client: speech in over Opus, transcript and spoken answer back on the
data channel, and the answer's audio on the server's track."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from websockets.asyncio.client import connect

from talkline.bench.webrtc_client import open_call
from talkline.engines.fake import fake_speech
from talkline.engines.fake.speech import FakeSTT
from tests.servers import LiveServer
from tests.webrtc.conftest import API_KEY


async def test_a_spoken_question_gets_a_spoken_answer(server: LiveServer) -> None:
    async with open_call(server.http_url, API_KEY, model="eco") as call:
        created = await call.wait_for("session.created")
        assert created["session"]["type"] == "realtime"
        call.send({"type": "session.update", "session": {"type": "realtime", "audio": {"input": {
            "transcription": {"model": "whisper-1", "language": "en"}}}}})
        await call.wait_for("session.updated")
        call.microphone.say(fake_speech("Where do batteries go?"))
        transcript = await call.wait_for("conversation.item.input_audio_transcription.completed")
        done = await call.wait_for("response.done", timeout=30)
        stopped = await call.wait_for("output_audio_buffer.stopped", timeout=30)
        await asyncio.sleep(0.5)  # the last frames are still in flight when the server has played them
    assert transcript["transcript"] == "Where do batteries go?"
    assert done["response"]["status"] == "completed"
    message = next(item for item in done["response"]["output"] if item["type"] == "message")
    spoken = message["content"][0]["transcript"]
    assert "batter" in spoken.lower()
    assert call.of_type("output_audio_buffer.started")[0]["response_id"] == done["response"]["id"]
    assert stopped["response_id"] == done["response"]["id"]
    assert not call.of_type("response.output_audio.delta")  # audio travels on the track, not the channel
    heard = await FakeSTT().transcribe(call.speaker.pcm())
    assert _letters(heard.text) == _letters(spoken)  # every word of the answer came through the track


def _letters(text: str) -> str:
    return "".join(text.split())


async def test_barge_in_cuts_the_playout_and_truncates_to_what_was_heard(server: LiveServer) -> None:
    async with open_call(server.http_url, API_KEY, model="eco") as call:
        await call.wait_for("session.created")
        call.microphone.say(fake_speech("Where do batteries go?"))
        started = await call.wait_for("output_audio_buffer.started", timeout=30)
        await asyncio.sleep(2.0)
        call.microphone.say(fake_speech("Wait, please stop talking now."))
        cleared = await call.wait_for("output_audio_buffer.cleared", timeout=20)
        truncated = await call.wait_for("conversation.item.truncated", timeout=20)
        interrupted = (await call.wait_for("response.done"))["response"]
    assert cleared["response_id"] == started["response_id"] == interrupted["id"]
    message = next(item for item in interrupted["output"] if item["type"] == "message")
    assert truncated["item_id"] == message["id"]
    # the server played about 2 s (plus the time the interruption took to be detected), not the whole answer
    assert 1500 <= truncated["audio_end_ms"] <= 5000
    assert interrupted["id"] not in [event["response_id"] for event in call.of_type("output_audio_buffer.stopped")]


async def test_output_audio_buffer_clear_stops_the_servers_playout(server: LiveServer) -> None:
    async with open_call(server.http_url, API_KEY, model="eco") as call:
        await call.wait_for("session.created")
        call.microphone.say(fake_speech("Where do batteries go?"))
        await call.wait_for("output_audio_buffer.started", timeout=30)
        await asyncio.sleep(1.0)
        call.send({"type": "response.cancel"})
        call.send({"type": "output_audio_buffer.clear"})
        await call.wait_for("output_audio_buffer.cleared", timeout=10)
        cleared_at = time.monotonic()
        await asyncio.sleep(1.5)
    late = [at for at in call.speaker.voiced_at if at > cleared_at + 0.3]
    assert not late  # nothing of the answer is heard after the clear (bar frames already in flight)


async def test_the_apps_server_controls_a_live_call_over_the_sideband(server: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    async with open_call(server.http_url, API_KEY, model="eco") as call:
        await call.wait_for("session.created")
        url = f"{server.ws_url}/v1/realtime?call_id={call.call_id}"
        async with connect(url, additional_headers=headers) as sideband:
            await sideband.send(json.dumps({"type": "session.update", "session": {
                "type": "realtime", "instructions": "You are the sideband's agent."}}))
            await sideband.send(json.dumps({"type": "conversation.item.create", "item": {
                "type": "message", "role": "user", "content": [{"type": "input_text", "text": "Where do batteries go?"}]}}))
            await sideband.send(json.dumps({"type": "response.create"}))
            seen = await _until(sideband, "response.done")
            on_call = await call.wait_for("response.done", timeout=30)
            await call.wait_for("output_audio_buffer.started", timeout=10)
        assert (await call.wait_for("session.updated"))["session"]["instructions"] == "You are the sideband's agent."
    assert seen[-1]["response"]["id"] == on_call["response"]["id"]
    assert "session.updated" in [event["type"] for event in seen]
    assert call.speaker.voiced_at  # the answer the sideband asked for was spoken on the call


async def test_the_sideband_needs_the_server_key_and_a_live_call(server: LiveServer) -> None:
    async with connect(f"{server.ws_url}/v1/realtime?call_id=rtc_nope",
                       additional_headers={"Authorization": f"Bearer {API_KEY}"}) as sideband:
        error = json.loads(await sideband.recv())
    assert error["type"] == "error" and error["error"]["code"] == "call_not_found"


async def _until(websocket: Any, kind: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    while not seen or seen[-1]["type"] != kind:
        seen.append(json.loads(await asyncio.wait_for(websocket.recv(), 30)))
    return seen
