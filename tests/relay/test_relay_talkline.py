"""The relay against a real second Talkline: client (official SDK) → Talkline A (relay profile) → Talkline B, with
spoken audio (through the real models once, e2e), a server tool of A's, cancel and barge-in."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from talkline.audio import Pcm
from talkline.engines.fake import fake_speech
from tests.realtime_client import collect, is_type, of_type, stream_audio, types
from tests.relay.conftest import RelayPair
from tests.speech import english_speech, word_error_rate

QUESTION = "How do I throw away an empty plastic water bottle?"
LONG_REQUEST = "Tell me how to throw away a broken television."


@pytest.mark.e2e
async def test_a_spoken_turn_goes_through_the_relay_and_back(e2e_relay_pair: RelayPair) -> None:
    relay_pair = e2e_relay_pair
    async with relay_pair.relayed.realtime.connect(model="practice") as conn:
        created = await conn.recv()
        await conn.session.update(session={"type": "realtime", "audio": {"input": {"transcription": {
            "model": "whisper-1", "language": "en"}}}})
        updated = (await collect(conn, is_type("session.updated")))[-1].session
        await stream_audio(conn, english_speech(QUESTION), chunk_ms=40, pace=4.0)
        await stream_audio(conn, Pcm.silence(1200, 24000), chunk_ms=100, pace=4.0)
        events = await collect(conn, is_type("response.done"), timeout=90)

    assert created.type == "session.created" and created.session.model == "practice"
    assert [tool.name for tool in created.session.tools] == []  # the gateway's server tool is not the client's
    assert updated.audio.input.transcription.language == "en"
    names = types(events)
    for expected in ["input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped",
                     "input_audio_buffer.committed", "conversation.item.input_audio_transcription.completed",
                     "response.created", "response.output_audio_transcript.delta", "response.output_audio.delta",
                     "response.output_item.done", "response.done"]:
        assert expected in names, f"missing {expected} in {names}"
    transcript = of_type(events, "conversation.item.input_audio_transcription.completed")[0].transcript
    assert word_error_rate(transcript, QUESTION) <= 0.2, transcript
    audio = b"".join(base64.b64decode(d.delta) for d in of_type(events, "response.output_audio.delta"))
    assert len(audio) % 2 == 0 and len(audio) / 48 > 500
    spoken = "".join(d.delta for d in of_type(events, "response.output_audio_transcript.delta"))
    assert "plastic" in spoken.lower() or "pet" in spoken.lower()
    assert events[-1].response.status == "completed"

    async with httpx.AsyncClient() as http:
        metrics = (await http.get(relay_pair.gateway.http_url + "/metrics")).text
    forwarded = [line for line in metrics.splitlines()
                 if line.startswith('talkline_relay_forward_seconds_count{direction="upstream_to_client"}')]
    assert forwarded and float(forwarded[0].split()[-1]) >= len(events)


async def test_the_gateways_server_tool_answers_the_upstreams_call(relay_pair: RelayPair) -> None:
    async with relay_pair.relayed.realtime.connect(model="practice") as conn:
        await conn.session.update(session={"type": "realtime", "output_modalities": ["text"]})
        await collect(conn, is_type("session.updated"))
        await conn.conversation.item.create(item={"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "What are the opening hours of the shop in Paris?"}]})
        await conn.response.create()
        calling = await collect(conn, is_type("response.done"), timeout=60)
        answer = await collect(conn, is_type("response.done"), timeout=60)

    call = of_type(calling, "response.function_call_arguments.done")[0]
    assert call.name == "get_opening_hours" and json.loads(call.arguments) == {"city": "Paris"}
    outputs = [e.item for e in of_type(answer, "conversation.item.done") if e.item.type == "function_call_output"]
    assert outputs and outputs[0].call_id == call.call_id
    assert json.loads(outputs[0].output) == {"city": "Paris", "opens": "9 am", "closes": "9 pm",
                                             "answered_by": "gateway"}
    text = "".join(e.delta for e in of_type(answer, "response.output_text.delta"))
    assert "9 am" in text and "9 pm" in text
    assert answer[-1].response.status == "completed"


async def test_cancel_through_the_relay(relay_pair: RelayPair) -> None:
    async with relay_pair.relayed.realtime.connect(model="practice") as conn:
        await conn.conversation.item.create(item={"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": LONG_REQUEST}]})
        await conn.response.create()
        await collect(conn, is_type("response.created"), timeout=60)
        await conn.response.cancel()
        done = (await collect(conn, is_type("response.done"), timeout=60))[-1].response
        await conn.response.cancel(event_id="evt_cancel_again")
        error = (await collect(conn, is_type("error")))[-1].error
    assert done.status == "cancelled" and done.status_details.reason == "client_cancelled"
    assert error.code == "response_cancel_not_active" and error.event_id == "evt_cancel_again"


async def test_barge_in_through_the_relay(relay_pair: RelayPair) -> None:
    async with relay_pair.relayed.realtime.connect(model="practice") as conn:
        await conn.conversation.item.create(item={"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": LONG_REQUEST}]})
        await conn.response.create()
        before = await collect(conn, is_type("response.output_audio.delta"), timeout=60)
        item_id = [e.item.id for e in of_type(before, "response.output_item.added") if e.item.type == "message"][0]
        interruption = fake_speech("Wait, stop, I have another question about batteries.")
        await stream_audio(conn, interruption, chunk_ms=40, pace=1.0)
        events = await collect(conn, is_type("response.done"), timeout=30)
        names = types(events)
        assert "input_audio_buffer.speech_started" in names
        assert "response.output_audio.delta" not in names[names.index("input_audio_buffer.speech_started"):]
        done = events[-1].response
        assert done.status == "cancelled" and done.status_details.reason == "turn_detected"

        await conn.conversation.item.truncate(item_id=item_id, content_index=0, audio_end_ms=600)
        truncated = (await collect(conn, is_type("conversation.item.truncated")))[-1]
        assert truncated.item_id == item_id and truncated.audio_end_ms == 600
