"""Client events: what the official SDK sends parses into our models (both dialects); bad input
gets the right error code, param and event_id."""

from __future__ import annotations

import base64
import json
from typing import Any

import openai.types.realtime as ga_sdk
import pytest
from openai.types.beta.realtime import ConversationItemParam as BetaItemParam
from openai.types.realtime import (
    AudioTranscriptionParam,
    RealtimeAudioConfigParam,
    RealtimeConversationItemFunctionCallOutputParam,
    RealtimeConversationItemUserMessageParam,
    RealtimeFunctionToolParam,
    RealtimeResponseCreateParamsParam,
    RealtimeSessionCreateRequestParam,
)

from talkline.protocol.realtime import ProtocolError, decode_base64_audio, dump, encode_base64_audio, items
from talkline.protocol.realtime import client_events as ce
from talkline.protocol.realtime.client_events import parse_client_event
from talkline.protocol.realtime.formats import PcmuFormat
from talkline.protocol.realtime.session import SemanticVad, ServerVad
from tests.protocol.sdk import sdk_client_frames, unknown_fields

AUDIO_B64 = base64.b64encode(bytes(range(256)) * 4).decode()
WEATHER_TOOL = RealtimeFunctionToolParam(
    type="function", name="get_weather", description="Weather for a city",
    parameters={"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


async def drive_ga(conn: Any) -> None:
    await conn.session.update(session=RealtimeSessionCreateRequestParam(
        type="realtime", instructions="Be brief.", output_modalities=["audio"],
        audio=RealtimeAudioConfigParam(
            input={"format": {"type": "audio/pcm", "rate": 24000},
                   "transcription": AudioTranscriptionParam(model="whisper-1", language="ko"),
                   "noise_reduction": {"type": "near_field"},
                   "turn_detection": {"type": "semantic_vad", "eagerness": "high"}},
            output={"format": {"type": "audio/pcmu"}, "voice": "marin", "speed": 1.2},
        ),
        tools=[WEATHER_TOOL], tool_choice="auto", max_output_tokens=512,
    ), event_id="evt_1")
    await conn.input_audio_buffer.append(audio=AUDIO_B64)
    await conn.input_audio_buffer.commit()
    await conn.input_audio_buffer.clear()
    await conn.conversation.item.create(item=RealtimeConversationItemUserMessageParam(
        type="message", role="user", content=[{"type": "input_text", "text": "What's the weather in Seoul?"}]))
    await conn.conversation.item.create(item=RealtimeConversationItemFunctionCallOutputParam(
        type="function_call_output", call_id="call_1", output='{"temp_c": 21}'), previous_item_id="root")
    await conn.conversation.item.retrieve(item_id="item_1")
    await conn.conversation.item.truncate(item_id="item_2", content_index=0, audio_end_ms=1500)
    await conn.conversation.item.delete(item_id="item_1")
    await conn.response.create(response=RealtimeResponseCreateParamsParam(
        output_modalities=["text"], instructions="Answer in Korean.", max_output_tokens="inf",
        audio={"output": {"voice": "cedar", "format": {"type": "audio/pcma"}}},
        tools=[WEATHER_TOOL], tool_choice={"type": "function", "name": "get_weather"},
        metadata={"topic": "weather"}, conversation="none", input=[{"type": "item_reference", "id": "item_1"}],
    ))
    await conn.response.cancel(response_id="resp_1")
    await conn.output_audio_buffer.clear()


async def drive_beta(conn: Any) -> None:
    await conn.session.update(session={
        "modalities": ["text", "audio"], "voice": "verse", "instructions": "Be brief.",
        "input_audio_format": "pcm16", "output_audio_format": "g711_ulaw",
        "input_audio_transcription": {"model": "whisper-1"},
        "turn_detection": {"type": "server_vad", "threshold": 0.6, "silence_duration_ms": 400},
        "tools": [dict(WEATHER_TOOL)], "tool_choice": "auto", "temperature": 0.7,
        "max_response_output_tokens": 1024,
    })
    await conn.input_audio_buffer.append(audio=AUDIO_B64)
    await conn.input_audio_buffer.commit()
    await conn.input_audio_buffer.clear()
    await conn.conversation.item.create(item=BetaItemParam(
        type="message", role="assistant", content=[{"type": "text", "text": "Hello!"}]))
    await conn.conversation.item.create(item=BetaItemParam(
        type="message", role="user", content=[{"type": "input_text", "text": "Hi"}]))
    await conn.conversation.item.create(item=BetaItemParam(
        type="function_call_output", call_id="call_1", output="{}"))
    await conn.conversation.item.retrieve(item_id="item_1")
    await conn.conversation.item.truncate(item_id="item_2", content_index=0, audio_end_ms=700)
    await conn.conversation.item.delete(item_id="item_1")
    await conn.response.create(response={
        "modalities": ["text"], "voice": "alloy", "output_audio_format": "g711_alaw", "temperature": 0.9,
        "max_response_output_tokens": 200, "instructions": "Short.", "conversation": "auto",
    })
    await conn.response.cancel()
    await conn.output_audio_buffer.clear()
    await conn.transcription_session.update(session={
        "input_audio_format": "pcm16", "input_audio_transcription": {"model": "gpt-4o-transcribe"},
    })


@pytest.fixture(scope="module")
async def ga_events() -> list[ce.ClientEvent]:
    return [parse_client_event(frame) for frame in await sdk_client_frames(drive_ga)]


@pytest.fixture(scope="module")
async def beta_events() -> list[ce.ClientEvent]:
    return [parse_client_event(frame, beta=True) for frame in await sdk_client_frames(drive_beta, beta=True)]


async def test_every_ga_client_event_the_sdk_sends_parses(ga_events: list[ce.ClientEvent]) -> None:
    assert [type(event) for event in ga_events] == [
        ce.SessionUpdateEvent, ce.InputAudioBufferAppendEvent, ce.InputAudioBufferCommitEvent,
        ce.InputAudioBufferClearEvent, ce.ConversationItemCreateEvent, ce.ConversationItemCreateEvent,
        ce.ConversationItemRetrieveEvent, ce.ConversationItemTruncateEvent, ce.ConversationItemDeleteEvent,
        ce.ResponseCreateEvent, ce.ResponseCancelEvent, ce.OutputAudioBufferClearEvent,
    ]
    update = ga_events[0]
    assert isinstance(update, ce.SessionUpdateEvent) and update.event_id == "evt_1"
    audio = update.session.audio
    assert isinstance(audio.input.turn_detection, SemanticVad) and audio.input.turn_detection.eagerness == "high"
    assert audio.input.transcription is not None and audio.input.transcription.language == "ko"
    assert isinstance(audio.output.format, PcmuFormat) and audio.output.voice == "marin"
    assert update.session.tools[0].parameters["required"] == ["city"]
    assert update.session.max_output_tokens == 512
    assert decode_base64_audio(ga_events[1].audio) == bytes(range(256)) * 4  # type: ignore[union-attr]


async def test_ga_items_and_response_overrides_keep_their_values(ga_events: list[ce.ClientEvent]) -> None:
    user, output = ga_events[4], ga_events[5]
    assert isinstance(user, ce.ConversationItemCreateEvent) and isinstance(user.item, items.UserMessage)
    assert user.item.content == [items.InputText(text="What's the weather in Seoul?")]
    assert isinstance(output, ce.ConversationItemCreateEvent) and output.previous_item_id == "root"
    assert isinstance(output.item, items.FunctionCallOutput) and output.item.output == '{"temp_c": 21}'
    truncate = ga_events[7]
    assert isinstance(truncate, ce.ConversationItemTruncateEvent) and truncate.audio_end_ms == 1500
    create = ga_events[9]
    assert isinstance(create, ce.ResponseCreateEvent) and create.response is not None
    params = create.response
    assert params.output_modalities == ["text"] and params.conversation == "none"
    assert params.audio is not None and params.audio.output is not None and params.audio.output.voice == "cedar"
    assert params.tool_choice is not None and not isinstance(params.tool_choice, str)
    assert params.tool_choice.name == "get_weather"
    assert params.input == [items.ItemReference(id="item_1")] and params.metadata == {"topic": "weather"}
    cancel = ga_events[10]
    assert isinstance(cancel, ce.ResponseCancelEvent) and cancel.response_id == "resp_1"


async def test_every_beta_client_event_the_sdk_sends_parses_as_ga(beta_events: list[ce.ClientEvent]) -> None:
    assert [type(event) for event in beta_events] == [
        ce.SessionUpdateEvent, ce.InputAudioBufferAppendEvent, ce.InputAudioBufferCommitEvent,
        ce.InputAudioBufferClearEvent, ce.ConversationItemCreateEvent, ce.ConversationItemCreateEvent,
        ce.ConversationItemCreateEvent, ce.ConversationItemRetrieveEvent, ce.ConversationItemTruncateEvent,
        ce.ConversationItemDeleteEvent, ce.ResponseCreateEvent, ce.ResponseCancelEvent,
        ce.OutputAudioBufferClearEvent, ce.SessionUpdateEvent,
    ]
    session = beta_events[0].session  # type: ignore[union-attr]
    assert session.type == "realtime" and session.output_modalities == ["audio"]
    assert session.audio.output.voice == "verse" and isinstance(session.audio.output.format, PcmuFormat)
    vad = session.audio.input.turn_detection
    assert isinstance(vad, ServerVad) and (vad.threshold, vad.silence_duration_ms) == (0.6, 400)
    assert session.max_output_tokens == 1024 and session.tools[0].name == "get_weather"
    assert "temperature" not in beta_events[0].patch()  # type: ignore[union-attr]
    transcription = beta_events[-1]
    assert isinstance(transcription, ce.SessionUpdateEvent) and transcription.session.type == "transcription"
    assert transcription.patch()["audio"]["input"]["transcription"] == {"model": "gpt-4o-transcribe"}


async def test_beta_items_and_response_overrides_map_to_ga(beta_events: list[ce.ClientEvent]) -> None:
    assistant, user = beta_events[4], beta_events[5]
    assert isinstance(assistant, ce.ConversationItemCreateEvent)
    assert assistant.item == items.AssistantMessage(id=assistant.item.id, content=[items.OutputText(text="Hello!")])
    assert isinstance(user, ce.ConversationItemCreateEvent) and isinstance(user.item, items.UserMessage)
    create = beta_events[10]
    assert isinstance(create, ce.ResponseCreateEvent) and create.response is not None
    assert dump(create.response) == {
        "output_modalities": ["text"], "instructions": "Short.", "max_output_tokens": 200,
        "audio": {"output": {"voice": "alloy", "format": {"type": "audio/pcma"}}}, "conversation": "auto",
    }


@pytest.mark.parametrize(("event", "sdk_model"), [
    (ce.ResponseCreateEvent(response=ce.ResponseParams(
        output_modalities=["text"], conversation="none", metadata={"k": "v"},
        input=[items.UserMessage(content=[items.InputText(text="hi")])])), ga_sdk.ResponseCreateEvent),
    (ce.SessionUpdateEvent(event_id="e1", session=ce.Session(type="realtime", instructions="x")),
     ga_sdk.SessionUpdateEvent),
    (ce.ConversationItemCreateEvent(item=items.FunctionCallOutput(call_id="call_1", output="{}")),
     ga_sdk.ConversationItemCreateEvent),
    (ce.ConversationItemTruncateEvent(item_id="item_1", audio_end_ms=20), ga_sdk.ConversationItemTruncateEvent),
    (ce.InputAudioBufferAppendEvent(audio=AUDIO_B64), ga_sdk.InputAudioBufferAppendEvent),
    (ce.ResponseCancelEvent(), ga_sdk.ResponseCancelEvent),
])
def test_our_client_events_are_valid_sdk_client_events(event: Any, sdk_model: Any) -> None:
    """A relay sends these upstream, so the SDK's own client event types must accept them."""
    wire = dump(event)
    assert "event_id" in wire or event.event_id is None
    assert unknown_fields(sdk_model.model_validate(wire, strict=True)) == set()
    assert type(parse_client_event(json.dumps(wire))) is type(event)


BAD_INPUT = [
    # raw frame, beta dialect, code, param, event_id
    ("{not json", False, "invalid_json", None, None),
    (b"\xff\xfe{}", False, "invalid_json", None, None),
    ('{"type": "response.cancel", "n": NaN}', False, "invalid_json", None, None),
    ("[1, 2]", False, "invalid_event", None, None),
    ('{"event_id": "e1"}', False, "invalid_event", "type", "e1"),
    ('{"type": 7, "event_id": "e1"}', False, "invalid_event", "type", "e1"),
    ('{"type": "response.audio.delta", "event_id": "e2"}', False, "unknown_event_type", "type", "e2"),
    ('{"type": "transcription_session.update", "session": {}}', False, "unknown_event_type", "type", None),
    ('{"type": "input_audio_buffer.append", "audio": 5, "event_id": "e3"}', False, "invalid_value", "audio", "e3"),
    ('{"type": "input_audio_buffer.append", "event_id": "e3"}', False, "missing_required_parameter", "audio", "e3"),
    ('{"type": "input_audio_buffer.commit", "event_id": 9}', False, "invalid_value", "event_id", None),
    ('{"type": "input_audio_buffer.commit", "extra": 1, "event_id": "e4"}', False, "unknown_parameter", "extra",
     "e4"),
    ('{"type": "session.update", "session": {"instructions": "x"}, "event_id": "e5"}', False,
     "missing_required_parameter", "session.type", "e5"),
    ('{"type": "session.update", "session": "realtime", "event_id": "e5"}', False, "invalid_value", "session", "e5"),
    ('{"type": "session.update", "event_id": "e5", "session": {"type": "realtime", "audio": {"input": '
     '{"format": {"type": "audio/pcm", "rate": 16000}}}}}', False, "invalid_value",
     "session.audio.input.format.rate", "e5"),
    ('{"type": "session.update", "event_id": "e5", "session": {"type": "realtime", "temperature": 0.8}}', False,
     "unknown_parameter", "session.temperature", "e5"),
    ('{"type": "session.update", "event_id": "e5", "session": {"type": "realtime", "tools": '
     '[{"type": "function", "name": "ok"}, {"type": "function", "name": "bad name"}]}}', False,
     "invalid_value", "session.tools[1].name", "e5"),
    ('{"type": "conversation.item.create", "event_id": "e6", "item": {"type": "message", "role": "user", '
     '"content": [{"type": "input_text"}]}}', False, "missing_required_parameter", "item.content[0].text", "e6"),
    ('{"type": "conversation.item.create", "event_id": "e6", "item": {"type": "message", "role": "assistant", '
     '"content": [{"type": "input_text", "text": "x"}]}}', False, "invalid_value", "item.content[0].type", "e6"),
    ('{"type": "conversation.item.create", "event_id": "e6", "item": {"type": "mcp_call"}}', False,
     "invalid_value", "item", "e6"),
    ('{"type": "conversation.item.truncate", "item_id": "i", "content_index": 0, "audio_end_ms": -5, '
     '"event_id": "e7"}', False, "invalid_value", "audio_end_ms", "e7"),
    ('{"type": "conversation.item.truncate", "item_id": "i", "content_index": 0, "audio_end_ms": "10"}', False,
     "invalid_value", "audio_end_ms", None),
    ('{"type": "response.create", "event_id": "e8", "response": {"output_modalities": ["text", "audio"]}}',
     False, "invalid_value", "response.output_modalities", "e8"),
    ('{"type": "response.create", "event_id": "e8", "response": {"conversation": "conv_1"}}', False,
     "invalid_value", "response.conversation", "e8"),
    ('{"type": "response.create", "event_id": "e8", "response": {"metadata": {"k": 1}}}', False,
     "invalid_value", "response.metadata.k", "e8"),
    ('{"type": "response.create", "event_id": "e8", "response": {"input": [{"type": "item_reference"}]}}', False,
     "missing_required_parameter", "response.input[0].id", "e8"),
    # beta: errors name the beta fields the client sent
    ('{"type": "session.update", "event_id": "b1", "session": {"input_audio_format": "pcm24"}}', True,
     "invalid_value", "session.input_audio_format", "b1"),
    ('{"type": "session.update", "event_id": "b1", "session": {"voice": ""}}', True,
     "invalid_value", "session.voice", "b1"),
    ('{"type": "session.update", "event_id": "b1", "session": {"turn_detection": {"threshold": 1.5}}}', True,
     "invalid_value", "session.turn_detection.threshold", "b1"),
    ('{"type": "session.update", "event_id": "b1", "session": {"max_response_output_tokens": 5000}}', True,
     "invalid_value", "session.max_response_output_tokens", "b1"),
    ('{"type": "response.create", "event_id": "b2", "response": {"modalities": ["video"]}}', True,
     "invalid_value", "response.modalities[0]", "b2"),
    ('{"type": "transcription_session.update", "event_id": "b3", "session": 5}', True,
     "invalid_value", "session", "b3"),
]


@pytest.mark.parametrize(("raw", "beta", "code", "param", "event_id"), BAD_INPUT)
def test_bad_input_gets_a_typed_error(raw: str | bytes, beta: bool, code: str, param: str | None,
                                      event_id: str | None) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_client_event(raw, beta=beta)
    error = caught.value
    assert (error.type, error.code, error.param, error.event_id) == ("invalid_request_error", code, param, event_id)
    if param is not None:
        assert param in error.message


def test_unknown_event_type_message_names_it() -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_client_event('{"type": "response.audio.delta"}')
    assert "'response.audio.delta'" in caught.value.message and "response.create" in caught.value.message


def test_error_becomes_an_error_event_with_the_clients_event_id() -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_client_event('{"type": "conversation.item.delete", "event_id": "client_7"}')
    wire = dump(caught.value.to_event())
    assert wire["type"] == "error" and wire["event_id"].startswith("event_")
    assert wire["error"] == {"type": "invalid_request_error", "code": "missing_required_parameter",
                             "message": "Missing required parameter: 'item_id'.", "param": "item_id",
                             "event_id": "client_7"}
    assert unknown_fields(ga_sdk.RealtimeErrorEvent.model_validate(wire, strict=True)) == set()


def test_base64_audio_round_trips() -> None:
    pcm = bytes(range(256)) * 3
    assert decode_base64_audio(encode_base64_audio(pcm)) == pcm
    assert decode_base64_audio("") == b""


@pytest.mark.parametrize("text", ["AAA*", "AAA", "AA=A", "AAAA\n", "AA AA", "Zm9v====", "Zm8==", "é", "-_8A"])
def test_bad_base64_is_rejected_strictly(text: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_base64_audio(text)
    assert (caught.value.code, caught.value.param) == ("invalid_base64", "audio")


def test_base64_error_names_the_given_param() -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_base64_audio(b"AAAA", param="item.content[0].audio")  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.param) == ("invalid_base64", "item.content[0].audio")
