"""Every bad request gets a 4xx with an OpenAI-style JSON error (`message`, `type`, `code`, `param`),
raised by the official SDK as the matching exception; the server keeps serving."""

from __future__ import annotations

import base64
import time
from collections.abc import Awaitable
from typing import Any

import httpx
import pytest
from openai import APIError, APIStatusError, AsyncOpenAI

from talkline.audio import Pcm, wav_bytes
from talkline.auth.secrets import SecretRecord, new_secret
from talkline.engines.fake import fake_speech
from tests.rest.conftest import UPLOAD_MAX_BYTES, UPLOAD_MAX_SECONDS, RestServer

SPEECH = fake_speech("Hello there.")
WAV = wav_bytes(SPEECH)
CORRUPT_WAV = WAV[:44] + bytes(range(256)) * 4  # a WAV header promising far more than is there
NOT_AUDIO = b"%PDF-1.7 this is a document, not audio " * 20
TOO_LONG_WAV = wav_bytes(Pcm.silence(1000 * (UPLOAD_MAX_SECONDS + 2), 8000))
TOO_BIG = b"RIFF" + bytes(UPLOAD_MAX_BYTES + 1024)
USER = [{"role": "user", "content": "hello"}]


async def refused(call: Awaitable[Any], status: int, code: str | None = None, param: str | None = None
                  ) -> dict[str, Any]:
    with pytest.raises(APIStatusError) as info:
        await call
    error = info.value.body
    assert info.value.status_code == status, error
    assert isinstance(error, dict) and error["message"] and error["type"]
    if code is not None:
        assert error["code"] == code, error
    if param is not None:
        assert error["param"] == param, error
    return error


def audio_part(data: bytes | str) -> list[dict[str, Any]]:
    encoded = data if isinstance(data, str) else base64.b64encode(data).decode()
    return [{"role": "user", "content": [{"type": "input_audio", "input_audio": {"data": encoded, "format": "wav"}}]}]


CHAT_CASES = {
    "no messages": ({"messages": []}, 400, "invalid_value", "messages"),
    "unknown role": ({"messages": [{"role": "wizard", "content": "hi"}]}, 400, "invalid_value", None),
    "audio without the audio parameter": ({"modalities": ["text", "audio"]}, 400, "missing_required_parameter",
                                          "audio"),
    "unknown voice": ({"modalities": ["text", "audio"], "audio": {"voice": "darth", "format": "wav"}}, 400,
                      "unknown_voice", "audio.voice"),
    "unknown audio format": ({"modalities": ["text", "audio"], "audio": {"voice": "alloy", "format": "ogg"}}, 400,
                             "invalid_value", "audio.format"),
    "streamed audio not in pcm16": ({"modalities": ["text", "audio"], "audio": {"voice": "alloy", "format": "wav"},
                                     "stream": True}, 400, "invalid_value", "audio.format"),
    "image part": ({"messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]}]}, 400, "invalid_value",
        "messages[0].content[0]"),
    "forced tool that does not exist": ({"tool_choice": {"type": "function", "function": {"name": "nope"}}}, 400,
                                        "invalid_value", "tool_choice.function.name"),
    "bad tool name": ({"tools": [{"type": "function", "function": {"name": "has spaces"}}]}, 400, "invalid_value",
                      None),
    "several choices": ({"n": 2}, 400, "invalid_value", "n"),
    "json response format": ({"response_format": {"type": "json_object"}}, 400, "invalid_value",
                             "response_format.type"),
    "zero token budget": ({"max_completion_tokens": 0}, 400, "invalid_value", "max_completion_tokens"),
    "input audio not base64": ({"messages": audio_part("not base64 at all!")}, 400, "invalid_value",
                               "messages[0].content[0].input_audio.data"),
    "empty input audio": ({"messages": audio_part(b"")}, 400, "empty_audio",
                          "messages[0].content[0].input_audio.data"),
    "corrupt input audio": ({"messages": audio_part(CORRUPT_WAV)}, 400, "corrupt_audio",
                            "messages[0].content[0].input_audio.data"),
    "input audio that is not audio": ({"messages": audio_part(NOT_AUDIO)}, 415, "unsupported_media_type",
                                      "messages[0].content[0].input_audio.data"),
    "input audio too long": ({"messages": audio_part(TOO_LONG_WAV)}, 413, "audio_too_long",
                             "messages[0].content[0].input_audio.data"),
    "input audio too big": ({"messages": audio_part(TOO_BIG)}, 413, "file_too_large",
                            "messages[0].content[0].input_audio.data"),
}


@pytest.mark.parametrize("case", sorted(CHAT_CASES))
async def test_bad_chat_requests(client: AsyncOpenAI, case: str) -> None:
    fields, status, code, param = CHAT_CASES[case]
    await refused(client.chat.completions.create(**{"model": "echo", "messages": USER, **fields}), status, code, param)


async def test_unknown_model_lists_the_profiles(client: AsyncOpenAI) -> None:
    error = await refused(client.chat.completions.create(model="gpt-4o", messages=USER), 404, "model_not_found",
                          "model")
    assert "echo" in error["message"]


async def test_wrong_keys_are_refused(rest_server: RestServer) -> None:
    wrong = rest_server.client("tl-wrong-key")
    await refused(wrong.chat.completions.create(model="echo", messages=USER), 401, "invalid_api_key")
    await refused(wrong.audio.speech.create(model="tts-1", voice="alloy", input="hi"), 401, "invalid_api_key")
    await refused(wrong.audio.transcriptions.create(model="whisper-1", file=("a.wav", WAV)), 401, "invalid_api_key")


async def test_missing_keys_are_refused(rest_server: RestServer) -> None:
    # the SDK will not send a request without a key, so this one goes out as plain HTTP
    async with httpx.AsyncClient(base_url=rest_server.url) as http:
        responses = [await http.post("/v1/chat/completions", json={"model": "echo", "messages": USER}),
                     await http.post("/v1/audio/speech", json={"model": "tts-1", "voice": "alloy", "input": "hi"}),
                     await http.post("/v1/audio/transcriptions", data={"model": "whisper-1"},
                                     files={"file": ("a.wav", WAV)})]
    assert [r.status_code for r in responses] == [401, 401, 401]
    assert all(r.json()["error"]["code"] == "missing_api_key" for r in responses)


async def test_client_secrets_use_chat_completions_on_their_own_profile(rest_server: RestServer) -> None:
    """The one rule of client secrets (README, "Limits and guarantees"): the secret's profile, no other."""
    secret = new_secret()
    await rest_server.secrets.put(secret, SecretRecord(owner="key_x/ek", session={"model": "echo"},
                                                       expires_at=int(time.time()) + 60))
    answer = await rest_server.client(secret).chat.completions.create(model="echo", messages=USER)
    assert answer.model == "echo"
    await refused(rest_server.client(secret).chat.completions.create(model="eco", messages=USER), 403,
                  "profile_not_allowed", "model")


async def test_requests_wait_for_the_models(rest_server: RestServer) -> None:
    pipeline, rest_server.pipeline = rest_server.pipeline, None
    try:
        await refused(rest_server.client().chat.completions.create(model="echo", messages=USER), 503, "not_ready")
    finally:
        rest_server.pipeline = pipeline
    assert (await rest_server.client().chat.completions.create(model="echo", messages=USER)).choices


TRANSCRIPTION_CASES = {
    "unknown response format": ({"response_format": "docx"}, 400, "invalid_value", "response_format"),
    "granularities without verbose_json": ({"timestamp_granularities": ["word"]}, 400, "invalid_value",
                                           "timestamp_granularities"),
    "unknown granularity": ({"response_format": "verbose_json", "timestamp_granularities": ["syllable"]}, 400,
                            "invalid_value", None),
    "streamed subtitles": ({"response_format": "srt", "stream": True}, 400, "invalid_value", "stream"),
    "temperature out of range": ({"temperature": 3}, 400, "invalid_value", "temperature"),
    "unknown chunking strategy": ({"chunking_strategy": {"type": "magic"}}, 400, "invalid_value", None),
    "unsupported language": ({"language": "xx"}, 400, "unsupported_language", "language"),
    "empty file": ({"file": ("a.wav", b"")}, 400, "empty_audio", "file"),
    "corrupt file": ({"file": ("a.wav", CORRUPT_WAV)}, 400, "corrupt_audio", "file"),
    "not an audio file": ({"file": ("a.pdf", NOT_AUDIO)}, 415, "unsupported_media_type", "file"),
    "too long": ({"file": ("a.wav", TOO_LONG_WAV)}, 413, "audio_too_long", "file"),
    "too big": ({"file": ("a.wav", TOO_BIG)}, 413, "file_too_large", "file"),
}


@pytest.mark.parametrize("case", sorted(TRANSCRIPTION_CASES))
async def test_bad_transcription_requests(client: AsyncOpenAI, case: str) -> None:
    fields, status, code, param = TRANSCRIPTION_CASES[case]
    request = {"model": "whisper-1", "file": ("speech.wav", WAV, "audio/wav"), **fields}
    await refused(client.audio.transcriptions.create(**request), status, code, param)


async def test_transcription_without_file_or_model(rest_server: RestServer) -> None:
    headers = {"Authorization": f"Bearer {rest_server.client().api_key}"}
    async with httpx.AsyncClient(base_url=rest_server.url) as http:
        no_file = await http.post("/v1/audio/transcriptions", data={"model": "whisper-1"}, headers=headers)
        no_model = await http.post("/v1/audio/transcriptions", files={"file": ("a.wav", WAV)}, headers=headers)
    assert no_file.status_code == 400 and no_file.json()["error"]["param"] == "file"
    assert no_model.status_code == 400 and no_model.json()["error"]["param"] == "model"
    assert no_model.json()["error"]["code"] == "missing_required_parameter"


SPEECH_CASES = {
    "empty input": ({"input": ""}, "input"),
    "blank input": ({"input": "   \n "}, "input"),
    "input too long": ({"input": "word " * 1000}, "input"),
    "unknown voice": ({"voice": "darth"}, "voice"),
    "unknown format": ({"response_format": "ogg"}, "response_format"),
    "too fast": ({"speed": 5.0}, "speed"),
    "too slow": ({"speed": 0.1}, "speed"),
    "unknown stream format": ({"stream_format": "websocket"}, "stream_format"),
}


@pytest.mark.parametrize("case", sorted(SPEECH_CASES))
async def test_bad_speech_requests(client: AsyncOpenAI, case: str) -> None:
    fields, param = SPEECH_CASES[case]
    request = {"model": "tts-1", "voice": "alloy", "input": "Hello.", **fields}
    await refused(client.audio.speech.create(**request), 400, param=param)


async def test_a_failing_agent_is_a_server_error(client: AsyncOpenAI) -> None:
    messages = [{"role": "user", "content": "Please break down now."}]
    error = await refused(client.chat.completions.create(model="echo", messages=messages), 500, "server_error")
    assert "agent broke" not in error["message"]  # internals stay in the log


async def test_a_failure_after_the_stream_started_arrives_as_an_error_event(client: AsyncOpenAI) -> None:
    stream = await client.chat.completions.create(model="echo", messages=[
        {"role": "user", "content": "Please break down now."}], stream=True)
    received: list[str] = []
    with pytest.raises(APIError) as info:
        async for chunk in stream:
            received.append(chunk.choices[0].delta.content or "")
    assert "".join(received) == "Starting to answer, "
    assert info.value.body["code"] == "server_error"
    answer = await client.chat.completions.create(model="echo", messages=USER)  # the server carries on
    assert answer.choices[0].message.content == "You said: hello"
