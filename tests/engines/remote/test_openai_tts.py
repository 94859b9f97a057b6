"""Remote text to speech against the scripted fake OpenAI server, streaming real speech back."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from talkline.audio import Pcm
from talkline.engines.base import EngineError, TextToSpeech
from talkline.engines.remote import OpenAIEndpoint, OpenAITTS
from tests.fakes.openai_server import Body, FakeOpenAI, Received, error_reply
from tests.speech import english_speech

KEY = "sk-remote-tts-test-key-000"


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI.running() as server:
        yield server


def tts_for(fake: FakeOpenAI, *, timeout_s: float = 10.0, **options: object) -> OpenAITTS:
    return OpenAITTS(OpenAIEndpoint(fake.base_url, SecretStr(KEY), timeout_s, max_retries=0), "tts-1",
                     **options)  # type: ignore[arg-type]


def asks_for(**body: object):  # type: ignore[no-untyped-def]
    def check(request: Received) -> None:
        assert request.json() == {"model": "tts-1", "response_format": "pcm", **body}
        assert request.bearer == KEY
    return check


def odd_pieces(data: bytes, size: int = 4801) -> list[bytes]:
    return [data[start:start + size] for start in range(0, len(data), size)]


async def test_speech_streams_in_whole_samples_as_it_arrives(fake: FakeOpenAI) -> None:
    speech = english_speech("Rinse the bottle and take off the label.")
    pieces = odd_pieces(speech.data)
    gate = fake.gate()
    fake.expect_speech(Body([pieces[0], gate, *pieces[1:]], media_type="audio/pcm"), check=asks_for(
        input="Rinse the bottle and take off the label.", voice="nova", speed=1.25))
    tts = tts_for(fake, voice_map={"saerom": "nova"})
    assert isinstance(tts, TextToSpeech)
    audio = aiter(tts.synthesize("Rinse the bottle and take off the label.", voice="saerom", speed=1.25))
    first = await anext(audio)  # arrives while the rest is held back
    gate.set()
    chunks = [first, *[chunk async for chunk in audio]]
    assert all(chunk.rate == 24000 and len(chunk.data) % 2 == 0 for chunk in chunks)
    assert b"".join(chunk.data for chunk in chunks) == speech.data


async def test_voices_pass_through_and_default_when_none_is_named(fake: FakeOpenAI) -> None:
    sound = english_speech("Yes.").data
    fake.expect_speech(Body([sound]), check=asks_for(input="Yes.", voice="cedar", speed=1.0))
    fake.expect_speech(Body([sound]), check=asks_for(input="Yes.", voice="marin", speed=1.0))
    tts = tts_for(fake, default_voice="cedar")
    for voice in (None, "marin"):
        assert b"".join([chunk.data async for chunk in tts.synthesize("Yes.", voice=voice)]) == sound
    assert {"alloy", "marin", "cedar"} <= set(tts.voices())
    assert "saerom" in tts_for(fake, voice_map={"saerom": "nova"}).voices()


@pytest.mark.parametrize(("text", "spoken"), [
    ("Call 1599-0903 before 5:30 pm.", "Call one five nine nine, oh nine oh three before five thirty p m."),
    ("수수료는 15,000원이에요. 1599-0903으로 전화하세요.", "수수료는 만 오천 원이에요. 일오구구, 공구공삼으로 전화하세요."),
    ("Use a general-waste bag (종량제봉투, 10리터).", "Use a general-waste bag (종량제봉투, 십 리터)."),
])
async def test_the_remote_voice_is_sent_the_spoken_form(fake: FakeOpenAI, text: str, spoken: str) -> None:
    """Numbers are normalised for every voice; the remote one pronounces Korean itself and gets one request."""
    sound = english_speech("Okay.").data
    fake.expect_speech(Body([sound]), check=asks_for(input=spoken, voice="alloy", speed=1.0))
    assert b"".join([chunk.data async for chunk in tts_for(fake).synthesize(text)]) == sound


@pytest.mark.parametrize(("text", "speed", "code"), [
    ("Too fast.", 9.0, "invalid_speed"), ("x" * 4097, 1.0, "input_too_long")])
async def test_requests_that_cannot_be_spoken_are_refused_before_sending(fake: FakeOpenAI, text: str, speed: float,
                                                                         code: str) -> None:
    with pytest.raises(EngineError) as raised:
        _ = [chunk async for chunk in tts_for(fake).synthesize(text, speed=speed)]
    assert raised.value.code == code and fake.received == []


async def test_blank_text_is_silence_without_a_request(fake: FakeOpenAI) -> None:
    assert [chunk async for chunk in tts_for(fake).synthesize("  ")] == [] and fake.received == []


async def test_a_refused_voice_is_a_typed_error(fake: FakeOpenAI) -> None:
    fake.expect_speech(error_reply(400, "Invalid voice 'gildong'.", code="invalid_value"))
    with pytest.raises(EngineError) as raised:
        _ = [chunk async for chunk in tts_for(fake).synthesize("Hello.", voice="gildong")]
    assert raised.value.code == "tts_error" and "HTTP 400: Invalid voice 'gildong'." in str(raised.value)


async def test_a_stream_that_stops_midway_times_out(fake: FakeOpenAI) -> None:
    speech = english_speech("This sentence never finishes.")
    fake.expect_speech(Body([speech.data[:9600], fake.gate(), speech.data[9600:]]))
    received: list[Pcm] = []
    with pytest.raises(EngineError) as raised:
        async for chunk in tts_for(fake, timeout_s=1.0).synthesize("This sentence never finishes."):
            received.append(chunk)
    assert raised.value.code == "tts_timeout" and b"".join(c.data for c in received) == speech.data[:9600]
