"""The beta dialect at the edge: GA → beta server events validate against the SDK's beta types, and
beta ↔ GA mappings round-trip."""

from __future__ import annotations

import copy
import json
from typing import Any

import openai.types.beta.realtime as beta_sdk
import pytest
from openai.types.beta.realtime import SessionCreateParams
from openai.types.realtime import ClientSecretCreateResponse

from talkline.protocol.realtime import (
    ProtocolError,
    Session,
    beta_client_to_ga,
    beta_session_to_ga,
    dump,
    ga_param_to_beta,
    ga_server_to_beta,
    ga_session_to_beta,
    merge_session,
    parse_client_event,
)
from talkline.protocol.realtime import items as it
from talkline.protocol.realtime import server_events as se
from talkline.protocol.realtime.client_events import SessionUpdateEvent
from tests.protocol import samples as sample_events
from tests.protocol.sdk import unknown_fields

BETA_SAMPLES = [sample for sample in sample_events.samples() if sample.beta is not None]
# what beta types do not declare but the beta service (or Talkline) sends anyway
BETA_EXTRAS = {
    "session.object", "session.expires_at", "session.turn_detection.idle_timeout_ms",
    "session.turn_detection.interrupt_min_speech_ms", "name",
    "response.usage.input_token_details.image_tokens", "response.usage.input_token_details.cached_tokens_details",
}


@pytest.mark.parametrize("sample", BETA_SAMPLES, ids=lambda sample: sample.event.type)
def test_sdk_beta_types_validate_the_mapped_event(sample: sample_events.Sample) -> None:
    beta = ga_server_to_beta(json.loads(json.dumps(dump(sample.event))))
    assert beta is not None
    parsed = sample.beta.model_validate(beta, strict=True)
    assert parsed.type == beta["type"]
    assert unknown_fields(parsed) <= BETA_EXTRAS


@pytest.mark.parametrize(("ga", "beta"), [
    ("response.output_audio.delta", "response.audio.delta"),
    ("response.output_audio.done", "response.audio.done"),
    ("response.output_audio_transcript.delta", "response.audio_transcript.delta"),
    ("response.output_audio_transcript.done", "response.audio_transcript.done"),
    ("response.output_text.delta", "response.text.delta"),
    ("response.output_text.done", "response.text.done"),
    ("conversation.item.added", "conversation.item.created"),
    ("response.content_part.added", "response.content_part.added"),
    ("input_audio_buffer.speech_started", "input_audio_buffer.speech_started"),
])
def test_event_type_renames(ga: str, beta: str) -> None:
    sample = next(sample for sample in sample_events.samples() if sample.event.type == ga)
    mapped = ga_server_to_beta(dump(sample.event))
    assert mapped is not None and mapped["type"] == beta
    assert mapped["event_id"] == sample.event.event_id


def test_item_done_has_no_beta_equivalent() -> None:
    done = se.ConversationItemDoneEvent(item=it.UserMessage(content=[it.InputText(text="hi")]))
    assert ga_server_to_beta(dump(done)) is None


def test_session_is_flattened_to_the_beta_shape() -> None:
    beta = ga_server_to_beta(dump(se.SessionCreatedEvent(session=sample_events.session())))
    assert beta is not None
    session = beta["session"]
    assert {key: session[key] for key in (
        "modalities", "voice", "speed", "input_audio_format", "output_audio_format", "max_response_output_tokens",
        "temperature", "instructions", "model")} == {
        "modalities": ["text", "audio"], "voice": "verse", "speed": 1.1, "input_audio_format": "pcm16",
        "output_audio_format": "g711_ulaw", "max_response_output_tokens": 1000, "temperature": 0.8,
        "instructions": "Be kind.", "model": "gpt-4o-realtime-preview"}
    assert session["input_audio_transcription"] == {"model": "whisper-1", "language": "ko", "prompt": None}
    assert session["input_audio_noise_reduction"] == {"type": "near_field"}
    assert session["turn_detection"]["type"] == "server_vad"
    assert not {"audio", "type", "output_modalities", "max_output_tokens", "include", "truncation"} & session.keys()


def test_text_only_session_has_text_modality() -> None:
    text_only = Session(type="realtime", output_modalities=["text"])
    assert ga_session_to_beta(dump(text_only))["modalities"] == ["text"]


def test_transcription_session_update_is_answered_in_beta_terms() -> None:
    session = Session(type="transcription", audio={"input": {"transcription": {"model": "whisper-1"}}})
    beta = ga_server_to_beta(dump(se.SessionUpdatedEvent(session=session)))
    assert beta is not None and beta["type"] == "transcription_session.updated"
    assert beta["session"]["input_audio_transcription"] == {"model": "whisper-1", "language": None, "prompt": None}
    assert beta["session"].keys() <= {"id", "object", "expires_at", "modalities", "input_audio_format",
                                      "input_audio_transcription", "input_audio_noise_reduction",
                                      "turn_detection", "include"}
    # the beta type also wants the client secret that only the HTTP creation answer carries
    with_secret = {**beta, "session": {**beta["session"], "client_secret": {"value": "ek_1", "expires_at": 1}}}
    parsed = beta_sdk.TranscriptionSessionUpdatedEvent.model_validate(with_secret, strict=True)
    assert parsed.session.input_audio_format == "pcm16"


def test_response_object_gets_beta_fields() -> None:
    done = next(sample.event for sample in sample_events.samples() if sample.event.type == "response.done")
    beta = ga_server_to_beta(dump(done))
    assert beta is not None
    response = beta["response"]
    assert (response["modalities"], response["voice"], response["output_audio_format"], response["temperature"]) == (
        ["text", "audio"], "ash", "g711_alaw", 0.8)
    assert response["max_output_tokens"] == "inf" and "audio" not in response and "output_modalities" not in response
    assert response["output"][0]["content"] == [{"type": "audio", "transcript": "Hello there."}]
    assert response["status_details"] == {"type": "cancelled", "reason": "turn_detected"}


def test_item_content_types_map_both_ways() -> None:
    assistant = it.AssistantMessage(content=[it.OutputText(text="a"), it.OutputAudio(transcript="b")])
    beta = ga_server_to_beta(dump(se.ConversationItemAddedEvent(item=assistant)))
    assert beta is not None
    assert [part["type"] for part in beta["item"]["content"]] == ["text", "audio"]
    back = beta_client_to_ga({"type": "conversation.item.create", "item": beta["item"]})
    assert it.AssistantMessage.model_validate(back["item"]) == assistant
    user = beta_client_to_ga({"type": "conversation.item.create", "item": {
        "type": "message", "role": "user", "content": [{"type": "text", "text": "hi", "audio": None}]}})
    assert user["item"]["content"] == [{"type": "input_text", "text": "hi"}]


def test_mapping_never_mutates_its_input() -> None:
    event = {"type": "session.update", "session": {"voice": "ash", "turn_detection": {"type": "server_vad",
                                                                                      "threshold": None}}}
    original = copy.deepcopy(event)
    beta_client_to_ga(event)
    assert event == original
    wire = dump(se.SessionUpdatedEvent(session=sample_events.session()))
    original = copy.deepcopy(wire)
    ga_server_to_beta(wire)
    assert wire == original


BETA_SESSION: dict[str, Any] = {
    "modalities": ["text", "audio"], "voice": "shimmer", "instructions": "Speak slowly.",
    "input_audio_format": "g711_ulaw", "output_audio_format": "g711_alaw",
    "input_audio_transcription": {"model": "whisper-1", "language": "en", "prompt": "names"},
    "input_audio_noise_reduction": {"type": "far_field"},
    "turn_detection": {"type": "server_vad", "threshold": 0.7, "prefix_padding_ms": 200, "silence_duration_ms": 600,
                       "create_response": False, "interrupt_response": True},
    "tools": [{"type": "function", "name": "lookup", "description": "Find", "parameters": {"type": "object"}}],
    "tool_choice": "required", "max_response_output_tokens": 300, "speed": 0.9, "tracing": "auto",
    "temperature": 0.8,
}


def test_beta_session_round_trips_through_ga() -> None:
    ga = merge_session(Session(type="realtime"), beta_session_to_ga(BETA_SESSION))
    back = ga_session_to_beta(dump(ga))
    turn_detection = {**BETA_SESSION["turn_detection"], "idle_timeout_ms": None}
    assert {key: back[key] for key in BETA_SESSION} == {**BETA_SESSION, "turn_detection": turn_detection}


def test_ga_session_round_trips_through_beta() -> None:
    original = sample_events.session()
    restored = merge_session(original.model_copy(update={"instructions": ""}),
                             beta_session_to_ga(ga_session_to_beta(dump(original))))
    assert dump(restored) == dump(original)


def test_beta_only_fields_are_accepted_and_dropped() -> None:
    ga = beta_session_to_ga({"temperature": 0.6, "client_secret": {"expires_after": {"anchor": "created_at"}},
                             "voice": "ash"})
    assert ga == {"type": "realtime", "audio": {"output": {"voice": "ash"}}}


def test_beta_explicit_nulls_still_clear() -> None:
    ga = beta_session_to_ga({"turn_detection": None, "input_audio_transcription": None})
    assert ga == {"type": "realtime", "audio": {"input": {"turn_detection": None, "transcription": None}}}
    cleared = merge_session(Session(type="realtime"), ga)
    assert cleared.audio.input.turn_detection is None


def test_unknown_beta_format_names_the_beta_field() -> None:
    with pytest.raises(ProtocolError) as caught:
        beta_session_to_ga({"output_audio_format": "mp3"})
    assert (caught.value.code, caught.value.param) == ("invalid_value", "session.output_audio_format")


@pytest.mark.parametrize(("ga", "beta"), [
    ("session.audio.input.format.rate", "session.input_audio_format"),
    ("session.audio.output.voice", "session.voice"),
    ("session.audio.input.turn_detection.threshold", "session.turn_detection.threshold"),
    ("session.audio.input.transcription.model", "session.input_audio_transcription.model"),
    ("session.output_modalities[1]", "session.modalities[1]"),
    ("session.max_output_tokens", "session.max_response_output_tokens"),
    ("response.audio.output.format.type", "response.output_audio_format"),
    ("response.max_output_tokens", "response.max_response_output_tokens"),
    ("session.instructions", "session.instructions"),
    ("item.content[0].text", "item.content[0].text"),
    (None, None),
])
def test_error_params_are_named_in_beta_terms(ga: str | None, beta: str | None) -> None:
    assert ga_param_to_beta(ga) == beta


def test_client_secret_shapes() -> None:
    """GA `POST /v1/realtime/client_secrets` answers with the GA session; beta `POST /v1/realtime/sessions`
    takes and answers with flat sessions."""
    session = sample_events.session()
    ga_answer = {"value": "ek_abc", "expires_at": 1_900_000_600, "session": dump(session)}
    parsed = ClientSecretCreateResponse.model_validate(ga_answer, strict=True)
    assert parsed.session.type == "realtime"
    assert unknown_fields(parsed) <= {"session.audio.input.turn_detection.interrupt_min_speech_ms"}

    request = SessionCreateParams(model="gpt-4o-realtime-preview", voice="verse", modalities=["text", "audio"],
                                  instructions="Practise Korean.", input_audio_format="pcm16",
                                  client_secret={"expires_after": {"anchor": "created_at", "seconds": 60}})
    minted = Session.model_validate(beta_session_to_ga(request))
    assert (minted.model, minted.audio.output.voice, minted.instructions) == (
        "gpt-4o-realtime-preview", "verse", "Practise Korean.")
    beta_answer = {**ga_session_to_beta(dump(minted)), "client_secret": {"value": "ek_abc", "expires_at": 1}}
    answer = beta_sdk.SessionCreateResponse.model_validate(beta_answer, strict=True)
    assert (answer.client_secret.value, answer.voice, answer.modalities) == ("ek_abc", "verse", ["text", "audio"])


def test_beta_client_can_send_back_the_session_it_received() -> None:
    current = sample_events.session()
    received = ga_server_to_beta(dump(se.SessionCreatedEvent(session=current)))
    assert received is not None
    frame = json.dumps({"type": "session.update", "session": {**received["session"], "voice": "coral"}})
    event = parse_client_event(frame, beta=True)
    assert isinstance(event, SessionUpdateEvent)
    merged = merge_session(current, event.patch())
    assert dump(merged) == dump(current.model_copy(update={"audio": current.audio.model_copy(
        update={"output": current.audio.output.model_copy(update={"voice": "coral"})})}))
