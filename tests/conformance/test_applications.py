"""The built-in applications through every surface: realtime (text and audio), chat jobs, voice jobs."""

from __future__ import annotations

import asyncio
import base64

import httpx
import pytest
from openai import AsyncOpenAI

from talkline.audio.wav import wav_bytes
from talkline.engines.fake import fake_speech
from talkline.profiles.practice.catalog import scenario
from tests.conformance.conftest import API_KEY, RATE_LIMITED_KEY
from tests.realtime_client import collect, is_type, of_type
from tests.servers import LiveServer
from tests.sse_client import read_sse


async def say(conn: object, text: str | None) -> str:
    if text is not None:
        await conn.conversation.item.create(item={"type": "message", "role": "user", "content": [  # type: ignore[attr-defined]
            {"type": "input_text", "text": text}]})
    await conn.response.create()  # type: ignore[attr-defined]
    events = await collect(conn, is_type("response.done"))
    return "".join(e.delta for e in of_type(events, "response.output_text.delta"))


@pytest.mark.parametrize("language", ["ko", "en"])
async def test_a_practice_call_is_played_to_the_goal_and_stored_with_feedback(client: AsyncOpenAI,
                                                                            server: LiveServer,
                                                                            language: str) -> None:
    mart = scenario("mart")
    async with client.realtime.connect(model="practice", extra_query={
            "scenario": "mart", "persona": "gildong", "language": language}) as conn:
        created = await conn.recv()
        session_id = created.session.id
        assert created.session.audio.output.voice == "gildong" and "mart" in created.session.instructions.lower()
        await conn.session.update(session={"type": "realtime", "output_modalities": ["text"]})
        opening = await say(conn, None)  # the persona picks up the phone
        assert opening.startswith(mart.opening.say(language, "haeyo"))  # a clerk: polite, whoever plays her
        replies = [await say(conn, step.model.say(language, "haeyo")) for step in mart.steps]
        assert replies[-1].endswith(mart.closing.prompt.say(language, "haeyo"))  # anything else?
        goodbye = await say(conn, "안녕히 계세요" if language == "ko" else "Goodbye!")  # the goodbye is its own turn
        assert goodbye == mart.closing.goodbye.say(language, "haeyo")

    async with httpx.AsyncClient(base_url=server.http_url, headers={"Authorization": f"Bearer {API_KEY}"}) as http:
        for _ in range(50):  # the call is stored when it hangs up
            stored = await http.get(f"/v1/practice/sessions/{session_id}")
            if stored.status_code == 200:
                break
            await asyncio.sleep(0.2)
        assert stored.status_code == 200, stored.text
        body = stored.json()
        assert body["scenario"] == "mart" and body["feedback"]["goal_reached"] is True
        assert body["feedback"]["steps_completed"] == len(mart.steps)
        assert len(body["messages"]) == 2 * (len(mart.steps) + 1) + 1
        listed = (await http.get("/v1/practice/sessions")).json()["data"]
        assert session_id in [entry["id"] for entry in listed]
    async with httpx.AsyncClient(base_url=server.http_url,
                                 headers={"Authorization": f"Bearer {RATE_LIMITED_KEY}"}) as other:
        assert (await other.get(f"/v1/practice/sessions/{session_id}")).status_code == 404


async def test_an_unknown_scenario_is_refused_with_the_choices(server: LiveServer) -> None:
    client = AsyncOpenAI(base_url=server.http_url + "/v1", api_key=API_KEY, websocket_base_url=server.ws_url + "/v1")
    async with client.realtime.connect(model="practice", extra_query={"scenario": "moon"}) as conn:
        error = (await conn.recv()).error
    assert error.code == "invalid_value" and "mart" in error.message


@pytest.mark.e2e
async def test_eco_answers_korean_with_korean_speech(e2e_client: AsyncOpenAI) -> None:
    async with e2e_client.realtime.connect(model="eco") as conn:
        await conn.conversation.item.create(item={"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "스티로폼은 어떻게 버려요?"}]})
        await conn.response.create()
        events = await collect(conn, is_type("response.done"))
    spoken = of_type(events, "response.output_audio_transcript.done")[-1].transcript
    audio = b"".join(base64.b64decode(e.delta) for e in of_type(events, "response.output_audio.delta"))
    assert "스티로폼" in spoken and len(audio) > 48 * 500


async def test_both_applications_over_chat_and_voice_jobs(server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=server.http_url, headers={"Authorization": f"Bearer {API_KEY}"},
                                 timeout=120) as http:
        chat = await http.post("/v1/chat", json={"session_id": "apps-1", "profile": "practice",
                                                "message": "안녕하세요, 라면 어디 있어요?",
                                                "options": {"scenario": "mart"}, "modalities": ["text", "audio"]})
        stream = await read_sse(http, chat.json()["stream_url"])
        assert stream.names[-1] == "done" and "audio_chunk" in stream.names
        assert "통로" in stream.of("done")[0].data["text"]
        speech = wav_bytes(fake_speech("Hello, where can I find the milk?"))
        voice = await http.post("/v1/voice", files={"file": ("q.wav", speech, "audio/wav")},
                                data={"session_id": "apps-2", "profile": "practice", "language": "en"})
        stream = await read_sse(http, voice.json()["stream_url"])
        assert stream.names[-1] == "done", stream.names
        assert "aisle" in stream.of("done")[0].data["text"].lower()
