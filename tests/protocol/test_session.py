"""The GA session object: defaults, wire shape, value checks and session.update merge semantics."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openai.types.realtime import RealtimeSessionCreateResponse

from talkline.protocol.realtime import ProtocolError, Session, dump, merge_session, parse_client_event
from talkline.protocol.realtime.client_events import SessionUpdateEvent
from talkline.protocol.realtime.formats import PcmaFormat, PcmFormat
from talkline.protocol.realtime.session import InputTranscription, SemanticVad, ServerVad, VoiceId
from tests.protocol.sdk import unknown_fields


@pytest.fixture
def session() -> Session:
    return Session(type="realtime", model="eco", instructions="You help sort waste.", expires_at=1_900_000_000,
                   tools=[{"name": "search_waste_disposal", "description": "Look up an item"}])


def update(patch: dict[str, Any]) -> dict[str, Any]:
    """The patch as the server gets it: parsed from a client's session.update frame."""
    event = parse_client_event(json.dumps({"type": "session.update", "session": {"type": "realtime", **patch}}))
    assert isinstance(event, SessionUpdateEvent)
    return event.patch()


def test_defaults_follow_the_reference() -> None:
    wire = dump(Session(type="realtime"))
    assert wire["object"] == "realtime.session" and wire["id"].startswith("sess_")
    assert wire["output_modalities"] == ["audio"]
    assert (wire["tools"], wire["tool_choice"], wire["max_output_tokens"]) == ([], "auto", "inf")
    assert wire["audio"] == {
        "input": {"format": {"type": "audio/pcm", "rate": 24000}, "transcription": None, "noise_reduction": None,
                  "turn_detection": {"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300,
                                     "silence_duration_ms": 500, "idle_timeout_ms": None,
                                     "create_response": True, "interrupt_response": True}},
        "output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "alloy", "speed": 1.0},
    }
    # nulls the real service sends stay; fields it omits (and our extension when unset) are left out
    assert {key: wire[key] for key in ("tracing", "prompt", "include", "expires_at")} == dict.fromkeys(
        ("tracing", "prompt", "include", "expires_at"))
    assert wire["truncation"] == "auto"
    assert not {"reasoning", "parallel_tool_calls"} & wire.keys()


def test_semantic_vad_defaults() -> None:
    assert SemanticVad() == SemanticVad(eagerness="auto", create_response=True, interrupt_response=True)


def test_session_object_is_a_valid_sdk_session(session: Session) -> None:
    session = merge_session(session, {"audio": {"input": {"turn_detection": {"interrupt_min_speech_ms": 250}}}})
    parsed = RealtimeSessionCreateResponse.model_validate(dump(session), strict=True)
    assert parsed.audio is not None and parsed.audio.input is not None
    assert unknown_fields(parsed) == {"audio.input.turn_detection.interrupt_min_speech_ms"}


def test_partial_update_keeps_everything_else(session: Session) -> None:
    merged = merge_session(session, update({"instructions": "Be brief."}))
    assert merged.instructions == "Be brief."
    assert dump(merged) == {**dump(session), "instructions": "Be brief."}


def test_nested_objects_merge(session: Session) -> None:
    merged = merge_session(session, update({"audio": {"input": {"turn_detection": {"type": "server_vad",
                                                                                   "silence_duration_ms": 800}},
                                                      "output": {"voice": "marin"}}}))
    vad = merged.audio.input.turn_detection
    assert isinstance(vad, ServerVad)
    assert (vad.silence_duration_ms, vad.threshold, vad.prefix_padding_ms) == (800, 0.5, 300)
    assert (merged.audio.output.voice, merged.audio.output.speed) == ("marin", 1.0)
    assert merged.audio.input.format == PcmFormat()


def test_changing_a_tagged_object_type_replaces_it(session: Session) -> None:
    merged = merge_session(session, update({"audio": {"input": {"turn_detection": {"type": "semantic_vad"}},
                                                      "output": {"format": {"type": "audio/pcma"}}}}))
    assert merged.audio.input.turn_detection == SemanticVad()
    assert merged.audio.output.format == PcmaFormat()


def test_explicit_null_clears(session: Session) -> None:
    with_transcription = merge_session(session, update({"audio": {"input": {"transcription": {"model": "whisper-1"}}}}))
    assert with_transcription.audio.input.transcription == InputTranscription(model="whisper-1")
    cleared = merge_session(with_transcription, update({"audio": {"input": {"turn_detection": None,
                                                                            "transcription": None}}}))
    assert cleared.audio.input.turn_detection is None and cleared.audio.input.transcription is None
    wire = dump(cleared)["audio"]["input"]
    assert wire["turn_detection"] is None and wire["transcription"] is None


def test_lists_replace(session: Session) -> None:
    merged = merge_session(session, update({"tools": [{"type": "function", "name": "get_weather"}]}))
    assert [tool.name for tool in merged.tools] == ["get_weather"]
    assert merge_session(merged, update({"tools": []})).tools == []


def test_pass_through_fields_are_accepted_and_echoed(session: Session) -> None:
    patch = {"tracing": {"workflow_name": "calls"}, "truncation": "disabled", "prompt": {"id": "pmpt_1"},
             "reasoning": {"effort": "low"}, "parallel_tool_calls": False,
             "include": ["item.input_audio_transcription.logprobs"]}
    wire = dump(merge_session(session, update(patch)))
    assert {key: wire[key] for key in patch} == patch


def test_pass_through_objects_are_replaced_not_merged(session: Session) -> None:
    first = merge_session(session, update({"prompt": {"id": "pmpt_1", "version": "2"}}))
    assert merge_session(first, update({"prompt": {"id": "pmpt_2"}})).prompt == {"id": "pmpt_2"}


def test_interrupt_min_speech_ms_extension(session: Session) -> None:
    merged = merge_session(session, update({"audio": {"input": {"turn_detection": {
        "type": "server_vad", "interrupt_min_speech_ms": 300}}}}))
    assert isinstance(merged.audio.input.turn_detection, ServerVad)
    assert merged.audio.input.turn_detection.interrupt_min_speech_ms == 300
    assert dump(merged)["audio"]["input"]["turn_detection"]["interrupt_min_speech_ms"] == 300
    with pytest.raises(ProtocolError) as caught:
        update({"audio": {"input": {"turn_detection": {"type": "semantic_vad", "interrupt_min_speech_ms": 300}}}})
    assert (caught.value.code, caught.value.param) == (
        "unknown_parameter", "session.audio.input.turn_detection.interrupt_min_speech_ms")


def test_server_owned_fields_do_not_change(session: Session) -> None:
    echoed = {**dump(session), "id": "sess_other", "model": "gpt-realtime", "expires_at": 1, "instructions": "New"}
    merged = merge_session(session, update(echoed))
    assert (merged.id, merged.model, merged.expires_at) == (session.id, "eco", session.expires_at)
    assert merged.instructions == "New"


def test_session_type_cannot_change(session: Session) -> None:
    with pytest.raises(ProtocolError) as caught:
        merge_session(session, {"type": "transcription"})
    assert (caught.value.code, caught.value.param) == ("invalid_value", "session.type")


def test_update_must_be_an_object(session: Session) -> None:
    with pytest.raises(ProtocolError) as caught:
        merge_session(session, ["audio"])  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.param) == ("invalid_value", "session")


def test_validation_runs_on_the_merged_session(session: Session) -> None:
    """A typeless turn_detection patch merges into the current server_vad, where eagerness is unknown."""
    with pytest.raises(ProtocolError) as caught:
        merge_session(session, {"audio": {"input": {"turn_detection": {"eagerness": "high"}}}})
    assert (caught.value.code, caught.value.param) == (
        "unknown_parameter", "session.audio.input.turn_detection.eagerness")
    semantic = merge_session(session, {"audio": {"input": {"turn_detection": {"type": "semantic_vad"}}}})
    merged = merge_session(semantic, {"audio": {"input": {"turn_detection": {"eagerness": "high"}}}})
    assert merged.audio.input.turn_detection == SemanticVad(eagerness="high")


def test_custom_voice_by_id(session: Session) -> None:
    merged = merge_session(session, update({"audio": {"output": {"voice": {"id": "voice_1234"}}}}))
    assert merged.audio.output.voice == VoiceId(id="voice_1234")


INVALID = [
    ({"audio": {"input": {"format": {"type": "audio/pcm", "rate": 16000}}}}, "session.audio.input.format.rate"),
    ({"audio": {"output": {"format": {"type": "audio/pcm", "rate": 48000}}}}, "session.audio.output.format.rate"),
    ({"audio": {"input": {"format": {"type": "audio/opus"}}}}, "session.audio.input.format.type"),
    ({"audio": {"output": {"speed": 0.2}}}, "session.audio.output.speed"),
    ({"audio": {"output": {"speed": 1.6}}}, "session.audio.output.speed"),
    ({"audio": {"output": {"voice": None}}}, "session.audio.output.voice"),
    ({"audio": {"output": {"voice": ""}}}, "session.audio.output.voice"),
    ({"audio": {"input": {"turn_detection": {"type": "server_vad", "threshold": -0.1}}}},
     "session.audio.input.turn_detection.threshold"),
    ({"audio": {"input": {"turn_detection": {"type": "server_vad", "threshold": 1.01}}}},
     "session.audio.input.turn_detection.threshold"),
    ({"audio": {"input": {"turn_detection": {"type": "server_vad", "prefix_padding_ms": -1}}}},
     "session.audio.input.turn_detection.prefix_padding_ms"),
    ({"audio": {"input": {"turn_detection": {"type": "server_vad", "silence_duration_ms": -1}}}},
     "session.audio.input.turn_detection.silence_duration_ms"),
    ({"audio": {"input": {"turn_detection": {"type": "server_vad", "idle_timeout_ms": -1}}}},
     "session.audio.input.turn_detection.idle_timeout_ms"),
    ({"audio": {"input": {"turn_detection": {"type": "server_vad", "interrupt_min_speech_ms": -1}}}},
     "session.audio.input.turn_detection.interrupt_min_speech_ms"),
    ({"audio": {"input": {"turn_detection": {"type": "server_vad", "create_response": "yes"}}}},
     "session.audio.input.turn_detection.create_response"),
    ({"audio": {"input": {"turn_detection": {"type": "semantic_vad", "eagerness": "eager"}}}},
     "session.audio.input.turn_detection.eagerness"),
    ({"audio": {"input": {"noise_reduction": {"type": "studio"}}}}, "session.audio.input.noise_reduction.type"),
    ({"max_output_tokens": 0}, "session.max_output_tokens"),
    ({"max_output_tokens": 4097}, "session.max_output_tokens"),
    ({"max_output_tokens": "lots"}, "session.max_output_tokens"),
    ({"max_output_tokens": True}, "session.max_output_tokens"),
    ({"output_modalities": ["text", "audio"]}, "session.output_modalities"),
    ({"output_modalities": []}, "session.output_modalities"),
    ({"output_modalities": ["video"]}, "session.output_modalities[0]"),
    ({"tool_choice": "sometimes"}, "session.tool_choice"),
    ({"tools": [{"type": "function", "name": "a"}, {"type": "function", "name": "a"}]}, "session.tools"),
    ({"tools": [{"type": "mcp", "server_label": "x"}]}, "session.tools[0].type"),
    ({"instructions": None}, "session.instructions"),
    ({"include": ["everything"]}, "session.include[0]"),
]


@pytest.mark.parametrize(("patch", "param"), INVALID)
def test_invalid_values_are_rejected_with_their_path(session: Session, patch: dict[str, Any], param: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        merge_session(session, patch)
    assert (caught.value.code, caught.value.param) == ("invalid_value", param)
    assert f"'{param}'" in caught.value.message
    with pytest.raises(ProtocolError) as parsed:  # the same check happens when the frame is parsed
        update(patch)
    assert (parsed.value.code, parsed.value.param) == ("invalid_value", param)


@pytest.mark.parametrize(("patch", "param"), [
    ({"temperature": 0.8}, "session.temperature"),
    ({"voice": "alloy"}, "session.voice"),
    ({"audio": {"output": {"volume": 3}}}, "session.audio.output.volume"),
    ({"audio": {"input": {"transcription": {"model": "whisper-1", "beam": 5}}}},
     "session.audio.input.transcription.beam"),
])
def test_unknown_fields_are_rejected_by_name(session: Session, patch: dict[str, Any], param: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        merge_session(session, patch)
    assert (caught.value.code, caught.value.param) == ("unknown_parameter", param)
    assert f"Unknown parameter: '{param}'" in caught.value.message


def test_patch_is_exactly_what_the_client_sent() -> None:
    patch = {"type": "realtime", "audio": {"input": {"turn_detection": None, "noise_reduction": {"type": "far_field"}}}}
    event = parse_client_event(json.dumps({"type": "session.update", "session": patch}))
    assert isinstance(event, SessionUpdateEvent)
    assert event.patch() == patch
    assert dump(event)["session"] == patch
