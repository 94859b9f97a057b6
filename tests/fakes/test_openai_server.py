"""The fake OpenAI server, driven by the official `openai` SDK: it must look like the real service to it,
refuse what was not scripted, and record what it got."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator

import openai
import pytest
from openai import AsyncOpenAI
from openai.lib.streaming.chat import ChatCompletionStreamState
from websockets.exceptions import ConnectionClosedError

from talkline.audio import wav_bytes
from tests.fakes.chat_chunks import ScriptedCall, audio_chunks, text_chunks, tool_call_chunks, usage_chunk
from tests.fakes.openai_server import (
    Body,
    Close,
    EventStream,
    FakeOpenAI,
    Json,
    Realtime,
    Receive,
    Received,
    Send,
    Stall,
    error_reply,
)
from tests.speech import english_speech

KEY = "sk-fake-test-key"


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI.running() as server:
        yield server


def client_for(fake: FakeOpenAI, **options: object) -> AsyncOpenAI:
    return AsyncOpenAI(base_url=fake.base_url, api_key=KEY, websocket_base_url=fake.websocket_base_url,
                       **options)  # type: ignore[arg-type]


async def test_a_text_stream_reaches_the_sdk_and_the_request_is_recorded(fake: FakeOpenAI) -> None:
    call = fake.expect_chat(EventStream([*text_chunks("Hello", " there!"), usage_chunk(12, 3)]))
    stream = await client_for(fake).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True,
        stream_options={"include_usage": True})
    chunks = [chunk async for chunk in stream]
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Hello there!"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].usage is not None and chunks[-1].usage.prompt_tokens == 12
    assert call.request is not None and call.finished.is_set() and not call.disconnected.is_set()
    assert call.request.bearer == KEY
    assert call.request.json()["messages"] == [{"role": "user", "content": "hi"}]


async def test_parallel_tool_call_fragments_put_together_by_the_sdk(fake: FakeOpenAI) -> None:
    calls = [ScriptedCall("call_a", "get_weather", ['{"city":', ' "Paris"}']),
             ScriptedCall("call_b", "get_weather", ['{"city"', ': "Seoul"}'])]
    fake.expect_chat(EventStream(tool_call_chunks(*calls, preamble=["Checking."], interleave=True)))
    stream = await client_for(fake).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "weather?"}], stream=True)
    state = ChatCompletionStreamState()
    async for chunk in stream:
        state.handle_chunk(chunk)
    final = state.get_final_completion().choices[0]
    assert final.finish_reason == "tool_calls" and final.message.content == "Checking."
    assert [(c.id, c.function.name, json.loads(c.function.arguments)) for c in final.message.tool_calls or []] == [
        ("call_a", "get_weather", {"city": "Paris"}), ("call_b", "get_weather", {"city": "Seoul"})]


async def test_a_spoken_answer_streams_its_transcript_and_pcm(fake: FakeOpenAI) -> None:
    pcm = english_speech("Hi there!").data
    fake.expect_chat(EventStream(audio_chunks(["Hi", " there!"], pcm, piece_bytes=4801)))
    stream = await client_for(fake).chat.completions.create(
        model="gpt-audio", messages=[{"role": "user", "content": "hello"}], stream=True,
        modalities=["text", "audio"], audio={"voice": "alloy", "format": "pcm16"})
    transcript, audio = "", b""
    async for chunk in stream:
        delta = chunk.choices[0].delta
        if delta.audio is not None:
            transcript += delta.audio.transcript or ""
            audio += base64.b64decode(delta.audio.data or "")
    assert transcript == "Hi there!" and audio == pcm


async def test_a_429_is_retried_by_the_sdk_and_then_answered(fake: FakeOpenAI) -> None:
    fake.expect_chat(error_reply(429, "slow down", code="rate_limit_exceeded", headers={"retry-after-ms": "10"}))
    fake.expect_chat(EventStream(text_chunks("ok")))
    stream = await client_for(fake, max_retries=1).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True)
    assert [c.choices[0].delta.content async for c in stream if c.choices] == ["", "ok", None]
    assert [r.headers.get("x-stainless-retry-count") for r in fake.received] == ["0", "1"]


async def test_an_error_reply_reaches_the_sdk_as_its_status_error(fake: FakeOpenAI) -> None:
    fake.expect_chat(error_reply(401, "Incorrect API key provided", code="invalid_api_key"))
    with pytest.raises(openai.AuthenticationError) as raised:
        await client_for(fake).chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert raised.value.code == "invalid_api_key"


async def test_a_stall_makes_the_client_time_out(fake: FakeOpenAI) -> None:
    fake.expect_chat(Stall(fake.gate()))
    with pytest.raises(openai.APITimeoutError):
        await client_for(fake, timeout=0.3, max_retries=0).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "x"}])


async def test_a_client_leaving_a_stream_early_is_noticed(fake: FakeOpenAI) -> None:
    never = fake.gate()
    call = fake.expect_chat(EventStream([*text_chunks("one")[:2], never, *text_chunks(" two")[1:]]))
    stream = await client_for(fake).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "x"}], stream=True)
    async for chunk in stream:
        if chunk.choices[0].delta.content == "one":
            break
    await stream.close()
    await asyncio.wait_for(call.disconnected.wait(), 10)
    assert not call.finished.is_set() and not never.is_set()


async def test_a_transcription_upload_is_recorded_field_by_field(fake: FakeOpenAI) -> None:
    upload_bytes = wav_bytes(english_speech("Recorded upload.", rate=16000))
    call = fake.expect_transcription(Json({"text": "Recorded upload."}))
    result = await client_for(fake).audio.transcriptions.create(
        file=("clip.wav", upload_bytes, "audio/wav"), model="whisper-1", language="en", prompt="upload")
    assert result.text == "Recorded upload."
    assert call.request is not None
    assert call.request.form == {"model": ["whisper-1"], "language": ["en"], "prompt": ["upload"]}
    upload = call.request.files["file"]
    assert (upload.filename, upload.content_type, upload.data) == ("clip.wav", "audio/wav", upload_bytes)


async def test_speech_streams_as_it_is_sent(fake: FakeOpenAI) -> None:
    pcm = english_speech("Streamed speech.").data
    gate = fake.gate()
    call = fake.expect_speech(Body([pcm[:4800], gate, pcm[4800:]], media_type="audio/pcm"))
    received = b""
    async with client_for(fake).audio.speech.with_streaming_response.create(
            model="tts-1", voice="alloy", input="Streamed speech.", response_format="pcm") as response:
        async for piece in response.iter_bytes():
            received += piece
            gate.set()  # the first piece came while the rest was still held back
    assert received == pcm and call.finished.is_set()
    assert call.request is not None and call.request.headers["accept"] == "application/octet-stream"
    assert call.request.json() == {"model": "tts-1", "voice": "alloy", "input": "Streamed speech.",
                                   "response_format": "pcm"}


async def test_a_realtime_script_replays_server_events_and_records_client_events(fake: FakeOpenAI) -> None:
    def is_text_session(event: dict) -> None:
        assert event["session"]["output_modalities"] == ["text"]

    call = fake.expect_realtime([
        Send([{"type": "session.created", "session": {"type": "realtime", "model": "gpt-realtime"}}]),
        Receive("session.update", is_text_session),
        Send([{"type": "session.updated", "session": {"type": "realtime", "output_modalities": ["text"]}}]),
        Receive("input_audio_buffer.append", repeat=True),
        Receive("input_audio_buffer.commit"),
        Close(),
    ])
    async with client_for(fake).realtime.connect(model="gpt-realtime") as connection:
        created = await connection.recv()
        await connection.session.update(session={"type": "realtime", "output_modalities": ["text"]})
        updated = await connection.recv()
        for _ in range(3):
            await connection.input_audio_buffer.append(audio=base64.b64encode(bytes(960)).decode())
        await connection.input_audio_buffer.commit()
        rest = [event async for event in connection]
    assert (created.type, updated.type, rest) == ("session.created", "session.updated", [])
    assert created.event_id and created.event_id.startswith("event_")
    assert call.request is not None and call.request.bearer == KEY
    assert call.request.query == {"model": "gpt-realtime"}
    assert [e["type"] for e in call.client_events] == ["session.update", *["input_audio_buffer.append"] * 3,
                                                       "input_audio_buffer.commit"]
    assert call.finished.is_set()


async def test_a_browser_handshake_gets_the_realtime_subprotocol(fake: FakeOpenAI) -> None:
    import websockets

    call = fake.expect_realtime([Send([{"type": "session.created", "session": {}}]), Close()])
    async with websockets.connect(fake.websocket_base_url + "/realtime?model=gpt-realtime",
                                  subprotocols=["realtime", "openai-insecure-api-key.ek_browser"]) as socket:
        assert socket.subprotocol == "realtime"
        assert json.loads(await socket.recv())["type"] == "session.created"
    assert call.request is not None
    assert "openai-insecure-api-key.ek_browser" in call.request.headers["sec-websocket-protocol"]


async def _verification_failure(script: list, drive) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(AssertionError) as raised:
        async with FakeOpenAI.running() as fake:
            for method, path, reply, check in script:
                fake.expect(method, path, reply, check=check)
            await drive(fake)
    return str(raised.value)


async def test_an_unscripted_request_is_refused_and_fails_the_test() -> None:
    async def drive(fake: FakeOpenAI) -> None:
        with pytest.raises(openai.BadRequestError) as refused:
            await client_for(fake).embeddings.create(model="text-embedding-3-small", input="x")
        assert "unexpected request POST /v1/embeddings" in str(refused.value)

    report = await _verification_failure([], drive)
    assert "unexpected request POST /v1/embeddings" in report and "it received:\n  POST /v1/embeddings" in report


async def test_a_request_failing_its_check_is_refused_and_fails_the_test() -> None:
    def wants_gpt4o(request: Received) -> None:
        assert request.json()["model"] == "gpt-4o", "wrong model"

    async def drive(fake: FakeOpenAI) -> None:
        with pytest.raises(openai.BadRequestError):
            await client_for(fake).chat.completions.create(model="gpt-3.5", messages=[])

    report = await _verification_failure([("POST", "/v1/chat/completions", Json({}), wants_gpt4o)], drive)
    assert "POST /v1/chat/completions did not match the script: wrong model" in report


async def test_a_scripted_request_that_never_comes_fails_the_test() -> None:
    async def drive(fake: FakeOpenAI) -> None:
        return None

    report = await _verification_failure([("POST", "/v1/audio/speech", Body([b"\0\0"]), None)], drive)
    assert "scripted but never requested: POST /v1/audio/speech (Body)" in report


async def test_an_unexpected_realtime_client_event_fails_the_test() -> None:
    async def drive(fake: FakeOpenAI) -> None:
        async with client_for(fake).realtime.connect(model="gpt-realtime") as connection:
            await connection.response.create()
            with pytest.raises(ConnectionClosedError) as closed:
                await connection.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1011  # the fake ends the call

    report = await _verification_failure([("WS", "/v1/realtime", Realtime([Receive("session.update")]), None)],
                                         drive)
    assert "realtime: expected a client 'session.update' event, got 'response.create'" in report
