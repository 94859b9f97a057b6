"""GA Realtime over the official SDK: lifecycle, a spoken turn, text, tools, cancel, barge-in."""

from __future__ import annotations

import base64
import json

import pytest
from openai import AsyncOpenAI

from talkline.audio import Pcm
from talkline.engines.fake import fake_speech
from tests.realtime_client import collect, is_type, of_type, stream_audio, types
from tests.speech import english_speech, word_error_rate

QUESTION = "How do I throw away an empty plastic water bottle?"
LONG_REQUEST = "Tell me how to throw away a broken television."


async def test_session_lifecycle_and_partial_update(client: AsyncOpenAI) -> None:
    async with client.realtime.connect(model="eco") as conn:
        created = await conn.recv()
        assert created.type == "session.created"
        session = created.session
        assert session.model == "eco" and session.type == "realtime"
        assert session.audio.input.format.type == "audio/pcm" and session.audio.input.format.rate == 24000
        assert session.audio.input.turn_detection.type == "server_vad"
        assert session.instructions

        await conn.session.update(session={"type": "realtime", "audio": {"input": {"transcription": {
            "model": "whisper-1", "language": "en"}}}})
        updated = (await collect(conn, is_type("session.updated")))[-1].session
        assert updated.audio.input.transcription.language == "en"
        assert updated.audio.input.turn_detection.silence_duration_ms == session.audio.input.turn_detection.silence_duration_ms
        assert updated.instructions == session.instructions  # untouched fields keep their value

        await conn.session.update(session={"type": "realtime", "audio": {"input": {"turn_detection": None}}})
        updated = (await collect(conn, is_type("session.updated")))[-1].session
        assert updated.audio.input.turn_detection is None
        assert updated.audio.input.transcription.language == "en"


@pytest.mark.e2e
async def test_spoken_turn_is_heard_transcribed_and_answered_with_audio(e2e_client: AsyncOpenAI) -> None:
    speech = english_speech(QUESTION)
    async with e2e_client.realtime.connect(model="eco") as conn:
        await conn.session.update(session={"type": "realtime", "audio": {"input": {"transcription": {
            "model": "whisper-1", "language": "en"}}}})
        await stream_audio(conn, speech, chunk_ms=40, pace=4.0)
        await stream_audio(conn, Pcm.silence(1200, 24000), chunk_ms=100, pace=4.0)
        events = await collect(conn, is_type("response.done"), timeout=90)

    names = types(events)
    for expected in ["input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped",
                     "input_audio_buffer.committed", "conversation.item.input_audio_transcription.completed",
                     "response.created", "response.output_item.added", "response.content_part.added",
                     "response.output_audio_transcript.delta", "response.output_audio.delta",
                     "response.output_audio.done", "response.output_audio_transcript.done",
                     "response.content_part.done", "response.output_item.done", "response.done"]:
        assert expected in names, f"missing {expected} in {names}"
    assert names.index("input_audio_buffer.speech_started") < names.index("input_audio_buffer.speech_stopped")
    assert names.index("input_audio_buffer.committed") < names.index("response.created")
    assert names.index("response.created") < names.index("response.output_item.added")
    assert names.index("response.content_part.added") < names.index("response.output_audio.delta")
    assert names.index("response.output_audio.done") < names.index("response.content_part.done")
    assert names.index("response.output_item.done") < names.index("response.done")

    transcript = of_type(events, "conversation.item.input_audio_transcription.completed")[0].transcript
    assert word_error_rate(transcript, QUESTION) <= 0.2, transcript

    deltas = of_type(events, "response.output_audio.delta")
    audio = b"".join(base64.b64decode(d.delta) for d in deltas)
    assert all(len(d.delta) < 256 * 1024 for d in deltas)
    assert len(audio) % 2 == 0 and len(audio) / 48 > 500  # more than half a second of 24 kHz pcm16
    spoken = "".join(d.delta for d in of_type(events, "response.output_audio_transcript.delta"))
    assert spoken == of_type(events, "response.output_audio_transcript.done")[0].transcript
    assert "plastic" in spoken.lower() or "pet" in spoken.lower()

    done = events[-1].response
    assert done.status == "completed" and done.usage.total_tokens > 0
    assert done.usage.output_token_details.audio_tokens > 0
    message = [item for item in done.output if item.type == "message"][-1]
    assert message.content[0].transcript == spoken


async def test_text_only_turn(client: AsyncOpenAI) -> None:
    async with client.realtime.connect(model="eco") as conn:
        await conn.session.update(session={"type": "realtime", "output_modalities": ["text"]})
        await conn.conversation.item.create(item={"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "Where do I put a glass bottle?"}]})
        await conn.response.create()
        events = await collect(conn, is_type("response.done"))
    names = types(events)
    assert "response.output_text.delta" in names and "response.output_audio.delta" not in names
    text = "".join(e.delta for e in of_type(events, "response.output_text.delta"))
    assert text == of_type(events, "response.output_text.done")[0].text and "glass" in text.lower()
    assert events[-1].response.output_modalities == ["text"]


async def test_client_tool_round_trip(client: AsyncOpenAI) -> None:
    tool = {"type": "function", "name": "get_opening_hours", "description": "Opening hours of a shop in a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
    async with client.realtime.connect(model="eco") as conn:
        await conn.session.update(session={"type": "realtime", "output_modalities": ["text"], "tools": [tool]})
        await conn.conversation.item.create(item={"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "What are the opening hours of the shop in Paris?"}]})
        await conn.response.create()
        events = await collect(conn, is_type("response.done"))
        call = of_type(events, "response.function_call_arguments.done")[0]
        assert call.name == "get_opening_hours" and json.loads(call.arguments) == {"city": "Paris"}
        assert "".join(e.delta for e in of_type(events, "response.function_call_arguments.delta")) == call.arguments
        item = events[-1].response.output[-1]
        assert item.type == "function_call" and item.call_id == call.call_id and item.status == "completed"

        await conn.conversation.item.create(item={"type": "function_call_output", "call_id": call.call_id,
                                                  "output": json.dumps({"opens": "9 am", "closes": "21 pm"})})
        added = await collect(conn, is_type("conversation.item.done"))
        assert added[-1].item.type == "function_call_output"
        await conn.response.create()
        answer = await collect(conn, is_type("response.done"))
    text = "".join(e.delta for e in of_type(answer, "response.output_text.delta"))
    assert "9 am" in text and "21" in text


async def test_a_client_tool_may_not_shadow_a_server_tool(client: AsyncOpenAI) -> None:
    tool = {"type": "function", "name": "get_weather", "description": "Weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}
    async with client.realtime.connect(model="eco") as conn:
        await conn.session.update(session={"type": "realtime", "tools": [tool]}, event_id="shadow")
        error = (await collect(conn, is_type("error")))[-1].error
        assert error.code == "invalid_value" and error.param == "session.tools[0].name" and "eco" in error.message


async def test_server_tool_appears_as_call_and_output_items(client: AsyncOpenAI) -> None:
    async with client.realtime.connect(model="eco") as conn:
        await conn.session.update(session={"type": "realtime", "output_modalities": ["text"]})
        await conn.conversation.item.create(item={"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "How do I dispose of a plastic bottle?"}]})
        await conn.response.create()
        events = await collect(conn, is_type("response.done"))
    calls = [e.item for e in of_type(events, "response.output_item.done") if e.item.type == "function_call"]
    outputs = [e.item for e in of_type(events, "conversation.item.done") if e.item.type == "function_call_output"]
    assert calls and outputs and outputs[0].call_id == calls[0].call_id
    assert json.loads(outputs[0].output)
    done = events[-1].response
    assert done.status == "completed" and done.output[-1].type == "message"


async def test_cancel_and_cancel_without_active_response(client: AsyncOpenAI) -> None:
    async with client.realtime.connect(model="eco") as conn:
        await conn.conversation.item.create(item={"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": LONG_REQUEST}]})
        await conn.response.create()
        await collect(conn, is_type("response.created"))
        await conn.response.cancel()
        done = (await collect(conn, is_type("response.done")))[-1].response
        assert done.status == "cancelled" and done.status_details.reason == "client_cancelled"
        await conn.response.cancel(event_id="evt_cancel_2")
        error = (await collect(conn, is_type("error")))[-1].error
        assert error.code == "response_cancel_not_active" and error.event_id == "evt_cancel_2"


async def test_barge_in_cancels_at_once_and_truncate_keeps_only_what_was_heard(client: AsyncOpenAI) -> None:
    async with client.realtime.connect(model="eco") as conn:
        await conn.conversation.item.create(item={"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": LONG_REQUEST}]})
        await conn.response.create()
        before = await collect(conn, is_type("response.output_audio.delta"))
        item_id = [e.item.id for e in of_type(before, "response.output_item.added") if e.item.type == "message"][0]
        interruption = fake_speech("Wait, stop, I have another question about batteries.")
        await stream_audio(conn, interruption, chunk_ms=40, pace=1.0)
        events = await collect(conn, is_type("response.done"), timeout=30)
        names = types(events)
        assert "input_audio_buffer.speech_started" in names
        started = names.index("input_audio_buffer.speech_started")
        assert "response.output_audio.delta" not in names[started:], "audio was sent after the barge-in"
        done = events[-1].response
        assert done.status == "cancelled" and done.status_details.reason == "turn_detected"

        await conn.conversation.item.truncate(item_id=item_id, content_index=0, audio_end_ms=600)
        truncated = (await collect(conn, is_type("conversation.item.truncated")))[-1]
        assert truncated.audio_end_ms == 600
        await conn.conversation.item.retrieve(item_id=item_id)
        item = (await collect(conn, is_type("conversation.item.retrieved")))[-1].item
        full = "".join(e.delta for e in of_type(before + events, "response.output_audio_transcript.delta"))
        heard = item.content[0].transcript
        assert len(heard) < len(full) and full.startswith(heard.strip()[:5])
        assert len(base64.b64decode(item.content[0].audio)) == 600 * 48
