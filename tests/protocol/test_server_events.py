"""Server events: the official SDK's own GA types validate every event we dump, unchanged."""

from __future__ import annotations

import json
import typing

import pytest
from pydantic import TypeAdapter

from talkline.protocol.realtime import ProtocolError, dump, new_id
from talkline.protocol.realtime import items as it
from talkline.protocol.realtime import server_events as se
from tests.protocol.samples import Sample, samples
from tests.protocol.sdk import unknown_fields

SAMPLES = samples()
# fields the SDK's session.created/updated type (a session *request*) does not declare
SESSION_ECHO_FIELDS = {"session.id", "session.object", "session.expires_at",
                       "session.audio.input.turn_detection.interrupt_min_speech_ms"}


def test_every_server_event_class_is_sampled() -> None:
    members = set(typing.get_args(typing.get_args(se.ServerEvent)[0]))
    assert members == {type(sample.event) for sample in SAMPLES}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda sample: sample.event.type)
def test_sdk_ga_types_validate_the_dump(sample: Sample) -> None:
    wire = json.loads(json.dumps(dump(sample.event)))  # exactly what goes over the socket
    parsed = sample.ga.model_validate(wire, strict=True)
    assert parsed.type == sample.event.type
    allowed = SESSION_ECHO_FIELDS if sample.event.type.startswith("session.") else set()
    assert unknown_fields(parsed) <= allowed


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda sample: sample.event.type)
def test_dump_parses_back_into_the_same_event(sample: Sample) -> None:
    assert TypeAdapter(se.ServerEvent).validate_python(dump(sample.event)) == sample.event


def test_event_ids_are_generated_and_unique() -> None:
    ids = {se.InputAudioBufferClearedEvent().event_id for _ in range(200)}
    assert len(ids) == 200 and all(event_id.startswith("event_") for event_id in ids)
    assert new_id("item").startswith("item_") and new_id("resp_").startswith("resp_")
    with pytest.raises(ValueError):
        new_id("bad prefix")


def test_nulls_the_service_sends_are_kept() -> None:
    committed = dump(se.InputAudioBufferCommittedEvent(item_id="item_1"))
    assert committed["previous_item_id"] is None
    created = dump(se.ResponseCreatedEvent(response=se.RealtimeResponse()))["response"]
    assert created["status"] == "in_progress" and created["output"] == []
    assert {key: created[key] for key in ("status_details", "usage", "conversation_id", "metadata")} == dict.fromkeys(
        ("status_details", "usage", "conversation_id", "metadata"))
    error = dump(se.ErrorEvent(error={"type": "invalid_request_error", "code": "x", "message": "m"}))["error"]
    assert error["param"] is None and error["event_id"] is None


def test_optionals_the_service_omits_are_left_out() -> None:
    item = dump(it.UserMessage(content=[it.InputAudio(), it.InputImage(image_url="data:image/png;base64,AA==")]))
    assert item["content"] == [{"type": "input_audio", "transcript": None},
                               {"type": "input_image", "image_url": "data:image/png;base64,AA=="}]
    part = dump(se.ResponseContentPartAddedEvent(response_id="r", item_id="i", output_index=0,
                                                 part=se.ResponseAudioPart()))["part"]
    assert part == {"type": "audio", "transcript": ""}
    delta = dump(se.InputAudioTranscriptionDeltaEvent(item_id="i", delta="a"))
    assert "logprobs" not in delta
    details = dump(se.StatusDetails(type="cancelled", reason="client_cancelled"))
    assert details == {"type": "cancelled", "reason": "client_cancelled"}


def test_response_object_shape() -> None:
    response = dump(se.RealtimeResponse(conversation_id="conv_1", usage=se.Usage()))
    assert response["object"] == "realtime.response" and response["id"].startswith("resp_")
    assert response["audio"] == {"output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "alloy"}}
    assert response["usage"]["input_token_details"]["cached_tokens_details"] == {
        "text_tokens": 0, "audio_tokens": 0, "image_tokens": 0}


def test_server_models_reject_bad_construction() -> None:
    with pytest.raises(ValueError):
        se.ConversationItemTruncatedEvent(item_id="i", content_index=0, audio_end_ms="12")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        se.RealtimeResponse(status="paused")  # type: ignore[arg-type]


def test_protocol_error_keeps_the_first_event_id() -> None:
    error = ProtocolError("item_not_found", "No item 'item_9'.", param="item_id").with_event_id("client_1")
    assert error.with_event_id("client_2").event_id == "client_1"
    wire = dump(error.to_event())
    assert wire["error"] == {"type": "invalid_request_error", "code": "item_not_found",
                             "message": "No item 'item_9'.", "param": "item_id", "event_id": "client_1"}
