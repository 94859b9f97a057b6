"""A whole call from an aiortc client: speech in over Opus, transcript and spoken answer back on the
data channel, and the answer's audio on the server's track."""

from __future__ import annotations

import asyncio

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
