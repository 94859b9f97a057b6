"""The beta dialect, as Saegil's Android client used it, and the browser handshake."""

from __future__ import annotations

import base64
import json

import websockets
from openai import AsyncOpenAI

from talkline.audio import Pcm
from talkline.audio.g711 import ulaw_decode, ulaw_encode
from talkline.audio.resample import resample
from talkline.engines.fake import fake_speech
from tests.conformance.conftest import API_KEY
from tests.realtime_client import collect, is_type, of_type, stream_audio, types
from tests.servers import LiveServer

QUESTION = "Where do I throw away old batteries?"


async def test_beta_spoken_turn_in_g711_ulaw(client: AsyncOpenAI) -> None:
    speech8k = resample(fake_speech(QUESTION), 8000)
    async with client.beta.realtime.connect(model="eco") as conn:
        created = await conn.recv()
        assert created.type == "session.created"
        assert created.session.input_audio_format == "pcm16" and created.session.modalities == ["text", "audio"]
        await conn.session.update(session={"input_audio_format": "g711_ulaw", "output_audio_format": "g711_ulaw",
                                           "input_audio_transcription": {"model": "whisper-1", "language": "en"}})
        updated = (await collect(conn, is_type("session.updated")))[-1].session
        assert updated.input_audio_format == "g711_ulaw" and updated.turn_detection.type == "server_vad"

        async def append(audio: str) -> None:
            await conn.input_audio_buffer.append(audio=audio)

        await stream_audio(conn, ulaw_encode(speech8k.data), bytes_per_ms=8, pace=4.0, append=append)
        await stream_audio(conn, ulaw_encode(Pcm.silence(1200, 8000).data), bytes_per_ms=8, chunk_ms=100,
                           pace=4.0, append=append)
        events = await collect(conn, is_type("response.done"), timeout=90)

    names = types(events)
    assert "conversation.item.created" in names and "conversation.item.added" not in names
    assert "response.audio.delta" in names and "response.output_audio.delta" not in names
    assert "response.audio_transcript.delta" in names
    transcript = of_type(events, "conversation.item.input_audio_transcription.completed")[0].transcript
    assert transcript == QUESTION
    audio = b"".join(base64.b64decode(e.delta) for e in of_type(events, "response.audio.delta"))
    decoded = Pcm(ulaw_decode(audio), 8000)
    assert decoded.duration_ms > 500
    message = [item for item in events[-1].response.output if item.type == "message"][-1]
    assert message.content[0].type == "audio"


async def test_beta_text_turn_with_manual_commit(client: AsyncOpenAI) -> None:
    async with client.beta.realtime.connect(model="eco") as conn:
        await conn.session.update(session={"modalities": ["text"], "turn_detection": None})
        await collect(conn, is_type("session.updated"))
        await conn.conversation.item.create(item={"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "How do I recycle a milk carton?"}]})
        await conn.response.create()
        events = await collect(conn, is_type("response.done"))
    assert "response.text.delta" in types(events)
    assert "".join(e.delta for e in of_type(events, "response.text.delta")).strip()


async def test_browser_subprotocols_select_realtime(server: LiveServer) -> None:
    url = server.ws_url + "/v1/realtime?model=practice"
    async with websockets.connect(url, subprotocols=["realtime", f"openai-insecure-api-key.{API_KEY}"]) as ws:
        assert ws.subprotocol == "realtime"
        created = json.loads(await ws.recv())
        assert created["type"] == "session.created" and created["session"]["model"] == "practice"


async def test_browser_beta_subprotocol_speaks_beta(server: LiveServer) -> None:
    url = server.ws_url + "/v1/realtime?model=eco"
    protocols = ["realtime", f"openai-insecure-api-key.{API_KEY}", "openai-beta.realtime-v1"]
    async with websockets.connect(url, subprotocols=protocols) as ws:
        assert ws.subprotocol == "realtime"
        created = json.loads(await ws.recv())
        assert "voice" in created["session"] and "audio" not in created["session"]
