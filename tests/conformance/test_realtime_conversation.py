"""Conversation items, per-response options, manual turns, backchannels, echo and the idle timer."""

from __future__ import annotations

import asyncio
import base64
import json

import numpy as np
import pytest
from openai import AsyncOpenAI

from talkline.audio import Pcm
from talkline.engines.fake import fake_speech
from tests.realtime_client import collect, is_type, of_type, stream_audio, types
from tests.speech import english_speech


def text_item(text: str, item_id: str | None = None, role: str = "user") -> dict:
    part = "input_text" if role != "assistant" else "output_text"
    item = {"type": "message", "role": role, "content": [{"type": part, "text": text}]}
    return item | ({"id": item_id} if item_id else {})


async def test_items_insert_after_previous_and_at_root_retrieve_and_delete(client: AsyncOpenAI) -> None:
    async with client.realtime.connect(model="eco") as conn:
        await conn.conversation.item.create(item=text_item("first", "item_a"))
        await conn.conversation.item.create(item=text_item("third", "item_c"))
        await conn.conversation.item.create(item=text_item("second", "item_b"), previous_item_id="item_a")
        await conn.conversation.item.create(item=text_item("zeroth", "item_0"), previous_item_id="root")
        added = [e for e in await collect(conn, lambda e: e.type == "conversation.item.done" and e.item.id == "item_0")
                 if e.type == "conversation.item.added"]
        assert [(e.item.id, e.previous_item_id) for e in added] == [
            ("item_a", None), ("item_c", "item_a"), ("item_b", "item_a"), ("item_0", None)]
        await conn.conversation.item.retrieve(item_id="item_b")
        retrieved = (await collect(conn, is_type("conversation.item.retrieved")))[-1].item
        assert retrieved.content[0].text == "second"
        await conn.conversation.item.delete(item_id="item_b")
        assert (await collect(conn, is_type("conversation.item.deleted")))[-1].item_id == "item_b"
        await conn.conversation.item.retrieve(item_id="item_b", event_id="gone")
        error = (await collect(conn, is_type("error")))[-1].error
        assert error.code == "item_not_found" and error.event_id == "gone"


async def test_out_of_band_response_with_explicit_input_and_metadata(client: AsyncOpenAI) -> None:
    async with client.realtime.connect(model="eco") as conn:
        await conn.session.update(session={"type": "realtime", "output_modalities": ["text"]})
        await conn.conversation.item.create(item=text_item("Where do I put a glass bottle?", "item_q"))
        await conn.response.create(response={
            "conversation": "none", "metadata": {"purpose": "classify"}, "output_modalities": ["text"],
            "input": [{"type": "item_reference", "id": "item_q"}]})
        events = await collect(conn, is_type("response.done"))
        events = events[types(events).index("response.created"):]
        done = events[-1].response
        assert done.metadata == {"purpose": "classify"} and done.conversation_id is None
        assert "glass" in "".join(e.delta for e in of_type(events, "response.output_text.delta")).lower()
        assert not [e for e in events if e.type == "conversation.item.added"]  # nothing joined the conversation
        await conn.response.create(response={"input": [], "output_modalities": ["text"]})
        empty = await collect(conn, is_type("response.done"))
        assert empty[-1].response.status == "completed"


async def test_manual_turn_commit_then_response(client: AsyncOpenAI) -> None:
    speech = fake_speech("Where can I throw away an old battery?")
    async with client.realtime.connect(model="eco") as conn:
        await conn.session.update(session={"type": "realtime", "audio": {"input": {
            "turn_detection": None, "transcription": {"model": "whisper-1", "language": "en"}}}})
        await collect(conn, is_type("session.updated"))
        await stream_audio(conn, speech, pace=8.0)
        await conn.input_audio_buffer.commit()
        await conn.response.create()
        events = await collect(conn, is_type("response.done"), timeout=60)
        names = types(events)
        assert "input_audio_buffer.speech_started" not in names  # manual mode: no VAD events
        transcript = of_type(events, "conversation.item.input_audio_transcription.completed")[0].transcript
        assert transcript == "Where can I throw away an old battery?"
        spoken = of_type(events, "response.output_audio_transcript.done")[-1].transcript
        assert "batter" in spoken.lower()
        await conn.input_audio_buffer.append(audio=base64.b64encode(bytes(960)).decode())
        await conn.input_audio_buffer.clear()
        assert (await collect(conn, is_type("input_audio_buffer.cleared")))[-1].type == "input_audio_buffer.cleared"


@pytest.mark.e2e
async def test_a_backchannel_and_our_own_echo_do_not_cut_the_reply_off(e2e_client: AsyncOpenAI) -> None:
    """The caller's microphone hears our reply from their loudspeaker (half as loud, 150 ms late) and,
    0.3 s in, the caller says "uh-huh": neither may interrupt the reply."""
    backchannel = english_speech("Uh-huh.").to_float32()
    step = 960  # 40 ms at 24 kHz
    async with e2e_client.realtime.connect(model="eco") as conn:
        await conn.conversation.item.create(item=text_item("Tell me how to throw away a broken television."))
        await conn.response.create()
        events: list = []
        played = bytearray()
        first_delta = asyncio.get_running_loop().create_future()

        async def read() -> None:
            while True:
                event = await conn.recv()
                events.append(event)
                if event.type == "response.output_audio.delta":
                    played.extend(base64.b64decode(event.delta))
                    if not first_delta.done():
                        first_delta.set_result(asyncio.get_running_loop().time())
                if event.type == "response.done":
                    return

        reader = asyncio.create_task(read())
        started = await first_delta
        loop = asyncio.get_running_loop()
        sent = 0  # microphone samples so far: the microphone's clock, which runs at real time
        while not reader.done():
            heard = sent - int(0.15 * 24000)  # the loudspeaker, 150 ms acoustic delay
            echo = Pcm(bytes(played[max(0, heard) * 2:(max(0, heard) + step) * 2]), 24000).to_float32()
            mic = np.zeros(step, dtype=np.float32)
            mic[:echo.size] += 0.5 * echo
            offset = sent - int(0.3 * 24000)
            if 0 <= offset < backchannel.size:
                part = backchannel[offset:offset + step]
                mic[:part.size] += part
            await conn.input_audio_buffer.append(audio=base64.b64encode(Pcm.from_float32(mic, 24000).data).decode())
            sent += step
            await asyncio.sleep(max(0.0, started + sent / 24000 - loop.time()))
        await reader
    assert "input_audio_buffer.speech_started" not in types(events)
    assert events[-1].response.status == "completed"


async def test_idle_timeout_prompts_the_user(client: AsyncOpenAI) -> None:
    async with client.realtime.connect(model="eco") as conn:
        await conn.session.update(session={"type": "realtime", "output_modalities": ["text"], "audio": {"input": {
            "turn_detection": {"type": "server_vad", "idle_timeout_ms": 1500}}}})
        await collect(conn, is_type("session.updated"))
        events = await collect(conn, is_type("response.done"), timeout=20)
        assert "input_audio_buffer.timeout_triggered" in types(events)
        text = "".join(e.delta for e in of_type(events, "response.output_text.delta"))
        assert "still there" in text.lower()


async def test_input_audio_item_is_transcribed_and_answered(client: AsyncOpenAI) -> None:
    speech = fake_speech("How do I recycle a milk carton?")
    async with client.realtime.connect(model="eco") as conn:
        await conn.session.update(session={"type": "realtime", "output_modalities": ["text"]})
        await conn.conversation.item.create(item={"type": "message", "role": "user", "content": [
            {"type": "input_audio", "audio": base64.b64encode(speech.data).decode()}]})
        await conn.response.create()
        events = await collect(conn, is_type("response.done"), timeout=60)
    text = "".join(e.delta for e in of_type(events, "response.output_text.delta")).lower()
    assert "carton" in text or "pack" in text, text
    assert json.dumps(events[-1].response.usage.model_dump())
