"""Chat completions with speech: audio replies (whole, in each format, and streamed as pcm16),
`input_audio` parts heard through the STT, and earlier audio replies referred to by id."""

from __future__ import annotations

import asyncio
import base64
from dataclasses import replace

import pytest
from openai import AsyncOpenAI, BadRequestError
from prometheus_client import REGISTRY

from talkline.audio import Pcm, wav_bytes
from talkline.engines.base import Engines
from talkline.engines.fake import FakeTTS, fake_speech
from tests.audio.media import decode_with_pyav
from tests.rest.conftest import OTHER_API_KEY, RestServer
from tests.speech import spoken_as

SENTENCE = "Remember to water the garden tomorrow morning."
REPLY = f"You said: {SENTENCE}"
PCM16_RATE = 24000


async def heard(engines: Engines, pcm: Pcm) -> str:
    return (await engines.stt.transcribe(pcm)).text


def audio_request(fmt: str, text: str = SENTENCE) -> dict:
    return {"model": "echo", "modalities": ["text", "audio"], "audio": {"voice": "alloy", "format": fmt},
            "messages": [{"role": "user", "content": text}]}


@pytest.mark.parametrize("fmt", ["wav", "mp3"])
async def test_audio_reply_is_a_file_in_the_requested_format(client: AsyncOpenAI, engines: Engines, fmt: str) -> None:
    completion = await client.chat.completions.create(**audio_request(fmt))
    message = completion.choices[0].message
    assert message.content is None and completion.choices[0].finish_reason == "stop"
    assert message.audio.transcript == REPLY
    assert message.audio.id.startswith("audio_") and message.audio.expires_at > completion.created
    samples, rate = decode_with_pyav(base64.b64decode(message.audio.data))
    seconds = len(samples) / rate
    assert 1.5 < seconds < 8.0, seconds
    assert spoken_as(await heard(engines, Pcm.from_float32(samples, rate)), REPLY)
    usage = completion.usage
    assert usage.completion_tokens_details.audio_tokens >= seconds * 20 * 0.9  # 50 ms per audio token
    assert usage.completion_tokens == (usage.completion_tokens_details.audio_tokens
                                       + usage.completion_tokens_details.text_tokens)


@pytest.mark.parametrize("fmt", ["flac", "opus", "aac"])
async def test_other_audio_formats_decode(client: AsyncOpenAI, fmt: str) -> None:
    completion = await client.chat.completions.create(**audio_request(fmt, "Short reply."))
    samples, rate = decode_with_pyav(base64.b64decode(completion.choices[0].message.audio.data))
    assert 0.5 < len(samples) / rate < 5.0


async def test_pcm16_reply_is_raw_24khz(client: AsyncOpenAI, engines: Engines) -> None:
    completion = await client.chat.completions.create(**audio_request("pcm16"))
    pcm = Pcm(base64.b64decode(completion.choices[0].message.audio.data), PCM16_RATE)
    assert 1.5 < pcm.duration_ms / 1000 < 8.0
    assert spoken_as(await heard(engines, pcm), REPLY)


async def test_streamed_audio_pieces_concatenate_to_the_spoken_reply(client: AsyncOpenAI, engines: Engines) -> None:
    text = "The first sentence is here. And then a second one follows it."
    stream = await client.chat.completions.create(**audio_request("pcm16", text), stream=True,
                                                  stream_options={"include_usage": True})
    chunks = [chunk async for chunk in stream]
    audio = [c.choices[0].delta.audio for c in chunks if c.choices and c.choices[0].delta.audio]
    data = [base64.b64decode(a.data) for a in audio if a.data]
    transcript = "".join(a.transcript for a in audio if a.transcript)
    assert transcript == f"You said: {text}"
    assert len(data) > 1  # several pieces, each decoded on its own
    assert audio[0].id.startswith("audio_") and all(a.id in (None, audio[0].id) for a in audio)
    assert audio[-1].expires_at is not None and audio[-1].data is None and audio[-1].transcript is None
    assert all(c.choices[0].delta.content is None for c in chunks if c.choices and c.choices[0].delta.audio)
    pcm = Pcm(b"".join(data), PCM16_RATE)
    assert spoken_as(await heard(engines, pcm), transcript)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    assert chunks[-1].usage.completion_tokens_details.audio_tokens >= pcm.duration_ms / 50 * 0.9


async def test_input_audio_is_heard(client: AsyncOpenAI) -> None:
    spoken = base64.b64encode(wav_bytes(fake_speech("Please bring an umbrella because it will rain this afternoon."))).decode()
    completion = await client.chat.completions.create(model="echo", messages=[{"role": "user", "content": [
        {"type": "input_audio", "input_audio": {"data": spoken, "format": "wav"}}]}])
    reply = completion.choices[0].message.content
    assert reply.startswith("You said: ")
    assert reply.removeprefix("You said: ") == "Please bring an umbrella because it will rain this afternoon."
    assert completion.usage.prompt_tokens_details.audio_tokens > 0


async def test_earlier_audio_reply_is_remembered_by_id(client: AsyncOpenAI) -> None:
    first = await client.chat.completions.create(**audio_request("wav"))
    audio_id = first.choices[0].message.audio.id
    second = await client.chat.completions.create(model="echo", messages=[
        {"role": "user", "content": SENTENCE},
        {"role": "assistant", "audio": {"id": audio_id}},
        {"role": "user", "content": "What did you say before?"}])
    assert second.choices[0].message.content == f"I said: {REPLY}"


async def test_streamed_audio_reply_is_remembered_by_id(client: AsyncOpenAI) -> None:
    stream = await client.chat.completions.create(**audio_request("pcm16"), stream=True)
    ids = [c.choices[0].delta.audio.id async for c in stream
           if c.choices and c.choices[0].delta.audio and c.choices[0].delta.audio.id]
    (audio_id,) = ids
    reply = await client.chat.completions.create(model="echo", messages=[
        {"role": "assistant", "audio": {"id": audio_id}}, {"role": "user", "content": "what did you say?"}])
    assert reply.choices[0].message.content == f"I said: {REPLY}"


async def test_unknown_audio_id_is_refused(client: AsyncOpenAI) -> None:
    with pytest.raises(BadRequestError) as refused:
        await client.chat.completions.create(model="echo", messages=[
            {"role": "assistant", "audio": {"id": "audio_0000"}}, {"role": "user", "content": "hi"}])
    assert refused.value.body["param"] == "messages[0].audio.id"
    assert "audio_0000" in refused.value.body["message"]


async def test_audio_ids_belong_to_their_caller(rest_server: RestServer) -> None:
    first = await rest_server.client().chat.completions.create(**audio_request("pcm16"))
    history = [{"role": "assistant", "audio": {"id": first.choices[0].message.audio.id}},
               {"role": "user", "content": "what did you say?"}]
    with pytest.raises(BadRequestError):
        await rest_server.client(OTHER_API_KEY).chat.completions.create(model="echo", messages=history)
    same_caller = await rest_server.client().chat.completions.create(model="echo", messages=history)
    assert same_caller.choices[0].message.content == f"I said: {REPLY}"


def cancelled_responses() -> float:
    return REGISTRY.get_sample_value("talkline_responses_total", {"surface": "rest", "status": "cancelled"}) or 0.0


async def test_a_client_that_goes_away_cancels_the_response(rest_server: RestServer) -> None:
    before = cancelled_responses()
    long_text = " ".join(["This sentence is here to make a long reply."] * 12)
    fast = rest_server.pipeline
    assert fast is not None
    rest_server.pipeline = replace(fast, tts=FakeTTS(pace=1.0))  # speech takes as long as it lasts, as Piper's
    try:
        stream = await rest_server.client().chat.completions.create(**audio_request("pcm16", long_text), stream=True)
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.audio and chunk.choices[0].delta.audio.data:
                break
        await stream.close()
        for _ in range(300):  # wait for the server to notice; the reply itself would take far longer
            if cancelled_responses() > before:
                break
            await asyncio.sleep(0.1)
    finally:
        rest_server.pipeline = fast
    assert cancelled_responses() == before + 1
