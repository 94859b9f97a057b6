"""Remote speech to text against the scripted fake OpenAI server, with real speech."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from talkline.audio import Pcm, read_wav
from talkline.engines.base import EngineError, SpeechToText
from talkline.engines.remote import OpenAIEndpoint, OpenAISTT
from tests.fakes.openai_server import FakeOpenAI, Json, Received, Stall, error_reply
from tests.speech import KOREAN_CLIP_TRANSCRIPT, english_speech, korean_clip

KEY = "sk-remote-stt-test-key-000"


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI.running() as server:
        yield server


def stt_for(fake: FakeOpenAI, *, model: str = "whisper-1", max_retries: int = 0, timeout_s: float = 10.0
            ) -> OpenAISTT:
    return OpenAISTT(OpenAIEndpoint(fake.base_url, SecretStr(KEY), timeout_s, max_retries), model)


def uploads(audio: Pcm, **fields: str):  # type: ignore[no-untyped-def]
    """A check that the request uploads exactly `audio` as a WAV file, with these form fields."""
    def check(request: Received) -> None:
        upload = request.files["file"]
        assert (upload.filename, upload.content_type) == ("speech.wav", "audio/wav")
        assert read_wav(upload.data) == audio
        assert request.form == {key: [value] for key, value in fields.items()}
        assert request.bearer == KEY
    return check


async def test_english_speech_is_uploaded_whole_and_the_text_comes_back(fake: FakeOpenAI) -> None:
    speech = english_speech("Put the cans in the metal bin.")
    fake.expect_transcription(Json({"text": " Put the cans in the metal bin. "}), check=uploads(
        speech, model="whisper-1", response_format="json", language="en", prompt="recycling"))
    stt = stt_for(fake)
    assert isinstance(stt, SpeechToText) and stt.name == "openai:whisper-1"
    result = await stt.transcribe(speech, language="en-US", prompt="recycling")
    assert result.text == "Put the cans in the metal bin."
    assert result.language == "en" and result.duration_s == pytest.approx(speech.samples / 24000)


async def test_the_language_of_the_text_is_reported_when_none_was_asked(fake: FakeOpenAI) -> None:
    clip = korean_clip()
    fake.expect_transcription(Json({"text": KOREAN_CLIP_TRANSCRIPT}),
                              check=uploads(clip, model="gpt-4o-transcribe", response_format="json"))
    result = await stt_for(fake, model="gpt-4o-transcribe").transcribe(clip)
    assert (result.text, result.language) == (KOREAN_CLIP_TRANSCRIPT, "ko")


async def test_audio_too_short_to_hold_a_word_is_not_sent(fake: FakeOpenAI) -> None:
    result = await stt_for(fake).transcribe(english_speech("Hi.").slice_ms(0, 60), language="en")
    assert (result.text, result.language) == ("", "en") and fake.received == []


async def test_half_a_sample_is_invalid_audio(fake: FakeOpenAI) -> None:
    with pytest.raises(EngineError) as raised:
        await stt_for(fake).transcribe(Pcm(b"\0" * 4801, 24000))
    assert raised.value.code == "invalid_audio"


async def test_server_errors_are_retried_then_typed(fake: FakeOpenAI) -> None:
    speech = english_speech("Retry me.")
    fake.expect_transcription(error_reply(500, "The server had an error", kind="server_error",
                                          headers={"retry-after-ms": "10"}))
    fake.expect_transcription(Json({"text": "Retry me."}))
    assert (await stt_for(fake, max_retries=1).transcribe(speech)).text == "Retry me."
    fake.expect_transcription(error_reply(400, "Invalid file format."))
    with pytest.raises(EngineError) as raised:
        await stt_for(fake).transcribe(speech)
    assert raised.value.code == "stt_error" and "HTTP 400: Invalid file format." in str(raised.value)


async def test_a_silent_server_times_out(fake: FakeOpenAI) -> None:
    fake.expect_transcription(Stall(fake.gate()))
    with pytest.raises(EngineError) as raised:
        await stt_for(fake, timeout_s=0.3).transcribe(english_speech("Anyone there?"))
    assert raised.value.code == "stt_timeout"


async def test_an_unreachable_server_is_named() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    stt = OpenAISTT(OpenAIEndpoint(f"http://127.0.0.1:{port}/v1", SecretStr(KEY), max_retries=0))
    with pytest.raises(EngineError) as raised:
        await stt.transcribe(english_speech("Hello?"))
    assert raised.value.code == "stt_unreachable" and f"127.0.0.1:{port}" in str(raised.value)
