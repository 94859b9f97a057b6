"""`/v1/audio/speech`: binary audio in each format (decoded by PyAV), and SSE events."""

from __future__ import annotations

import base64
import json

import pytest
from openai import AsyncOpenAI

from talkline.audio import Pcm
from talkline.engines.base import Engines
from tests.audio.media import decode_with_pyav
from tests.rest.conftest import RestServer
from tests.speech import spoken_as

TEXT = "Good morning. The bus to the station leaves in a few minutes, so please hurry."
CONTENT_TYPES = {"mp3": "audio/mpeg", "opus": "audio/ogg", "aac": "audio/aac", "flac": "audio/flac",
                 "wav": "audio/wav", "pcm": "audio/pcm"}
PCM_RATE = 24000


def duration_s(fmt: str, data: bytes) -> float:
    if fmt == "pcm":
        return Pcm(data, PCM_RATE).duration_ms / 1000
    samples, rate = decode_with_pyav(data)
    return len(samples) / rate


@pytest.fixture(scope="module")
async def reference_seconds(rest_server: RestServer) -> float:
    response = await rest_server.client().audio.speech.create(model="tts-1", voice="alloy", input=TEXT, response_format="wav")
    return duration_s("wav", response.content)


@pytest.mark.parametrize("fmt", sorted(CONTENT_TYPES))
async def test_each_format_decodes_to_the_whole_speech(client: AsyncOpenAI, fmt: str, reference_seconds: float) -> None:
    response = await client.audio.speech.create(model="tts-1", voice="alloy", input=TEXT, response_format=fmt)
    assert response.response.headers["content-type"] == CONTENT_TYPES[fmt]
    assert reference_seconds > 3.0
    # Piper draws phoneme lengths at random (VITS noise_w): takes differ by up to about a tenth, and codecs
    # pad; a missing or repeated sentence (over a second) still fails
    assert abs(duration_s(fmt, response.content) - reference_seconds) < max(0.35, 0.15 * reference_seconds)


async def test_default_format_is_mp3_and_the_words_are_spoken(client: AsyncOpenAI, engines: Engines) -> None:
    response = await client.audio.speech.create(model="gpt-4o-mini-tts", voice="coral", input=TEXT)
    assert response.response.headers["content-type"] == "audio/mpeg"
    samples, rate = decode_with_pyav(response.content)
    heard = await engines.stt.transcribe(Pcm.from_float32(samples, rate))
    assert spoken_as(heard.text, TEXT)


async def test_streamed_response_arrives_in_pieces(client: AsyncOpenAI) -> None:
    async with client.audio.speech.with_streaming_response.create(
            model="tts-1", voice="alloy", input=TEXT, response_format="pcm") as response:
        pieces = [piece async for piece in response.iter_bytes(1024)]
    assert len(pieces) > 1 and sum(map(len, pieces)) > PCM_RATE * 2 * 3  # over three seconds of pcm16


@pytest.mark.e2e
async def test_speed_changes_the_length(e2e_client: AsyncOpenAI) -> None:
    async def seconds(**speed: float) -> float:
        response = await e2e_client.audio.speech.create(model="tts-1", voice="alloy", input=TEXT,
                                                        response_format="wav", **speed)
        return duration_s("wav", response.content)

    assert await seconds(speed=2.0) < 0.75 * await seconds()


@pytest.mark.e2e
async def test_korean_text_is_spoken(e2e_client: AsyncOpenAI) -> None:
    response = await e2e_client.audio.speech.create(model="tts-1", voice="nova", input="안녕하세요. 반갑습니다.",
                                                response_format="wav")
    assert duration_s("wav", response.content) > 1.0


async def test_sse_sends_audio_deltas_then_done_with_usage(client: AsyncOpenAI, reference_seconds: float) -> None:
    async with client.audio.speech.with_streaming_response.create(
            model="gpt-4o-mini-tts", voice="alloy", input=TEXT, response_format="pcm", stream_format="sse") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [json.loads(line.removeprefix("data: ")) async for line in response.iter_lines()
                  if line.startswith("data: ")]
    *deltas, done = events
    assert len(deltas) > 1 and all(e["type"] == "speech.audio.delta" for e in deltas)
    pcm = Pcm(b"".join(base64.b64decode(e["audio"]) for e in deltas), PCM_RATE)
    assert abs(pcm.duration_ms / 1000 - reference_seconds) < 0.35
    assert done["type"] == "speech.audio.done"
    usage = done["usage"]
    assert usage["input_tokens"] > 0 and usage["output_tokens"] >= pcm.duration_ms / 50 * 0.9
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]


async def test_sse_chunks_of_a_file_format_each_decode(client: AsyncOpenAI, reference_seconds: float) -> None:
    async with client.audio.speech.with_streaming_response.create(
            model="gpt-4o-mini-tts", voice="alloy", input=TEXT, response_format="wav", stream_format="sse") as response:
        events = [json.loads(line.removeprefix("data: ")) async for line in response.iter_lines()
                  if line.startswith("data: ")]
    files = [base64.b64decode(e["audio"]) for e in events if e["type"] == "speech.audio.delta"]
    durations = [duration_s("wav", data) for data in files]  # each chunk is a complete small file
    assert len(durations) > 1 and all(d > 0 for d in durations)
    assert abs(sum(durations) - reference_seconds) < 0.35
