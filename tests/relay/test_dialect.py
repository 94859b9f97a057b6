"""The two translations a relay adds to the protocol package: GA client events for a beta upstream, and a beta
upstream's server events in GA terms."""

from __future__ import annotations

from typing import Any

import pytest

from talkline.protocol.realtime import beta_client_to_ga
from talkline.realtime.relay.dialect import BetaServerEvents, Dialects, ga_client_to_beta
from tests.relay.scripts import beta_session_events, beta_text_response

GA_UPDATES: list[dict[str, Any]] = [
    {"type": "session.update", "session": {"type": "realtime", "output_modalities": ["text"],
                                           "audio": {"output": {"voice": "verse"}}}},
    {"type": "session.update", "session": {"type": "realtime", "instructions": "Be brief.", "audio": {
        "input": {"format": {"type": "audio/pcmu"}, "turn_detection": None,
                  "transcription": {"model": "whisper-1", "language": "ko"}},
        "output": {"format": {"type": "audio/pcma"}}}, "max_output_tokens": 300}},
    {"type": "conversation.item.create", "item": {"type": "message", "role": "assistant",
                                                  "content": [{"type": "output_text", "text": "Hello."}]}},
    {"type": "response.create", "response": {"output_modalities": ["audio"], "max_output_tokens": 50,
                                             "audio": {"output": {"voice": "alloy"}}, "instructions": "Hi."}},
]


@pytest.mark.parametrize("event", GA_UPDATES, ids=lambda event: event["type"])
def test_a_ga_client_event_survives_the_beta_upstream_and_back(event: dict[str, Any]) -> None:
    beta = ga_client_to_beta(event)
    assert beta_client_to_ga(beta) == event


def test_ga_client_events_take_the_beta_shape() -> None:
    update = ga_client_to_beta({"type": "session.update", "session": {
        "type": "realtime", "audio": {"output": {"voice": {"id": "voice_custom"}}}}})
    assert update == {"type": "session.update", "session": {"voice": "voice_custom"}}  # no temperature forced
    assert ga_client_to_beta({"type": "session.update", "session": {"type": "transcription"}})["type"] == \
        "transcription_session.update"
    params = ga_client_to_beta(GA_UPDATES[3])["response"]
    assert params == {"modalities": ["text", "audio"], "max_response_output_tokens": 50, "voice": "alloy",
                      "instructions": "Hi."}
    assert ga_client_to_beta(GA_UPDATES[2])["item"]["content"] == [{"type": "text", "text": "Hello."}]


def test_beta_server_events_in_ga_terms() -> None:
    translate = BetaServerEvents()
    created = translate.to_ga(beta_session_events("session.created"))
    assert created[0]["session"]["audio"]["output"] == {"voice": "alloy", "format": {"type": "audio/pcm", "rate": 24000},
                                                        "speed": 1.0}
    assert created[0]["session"]["output_modalities"] == ["audio"] and "temperature" not in created[0]["session"]
    events = [ga for beta in beta_text_response("resp_1", "item_1", ["Hi"]) for ga in translate.to_ga(beta)]
    kinds = [event["type"] for event in events]
    assert kinds == ["response.created", "response.output_item.added", "conversation.item.added",
                     "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                     "response.content_part.done", "response.output_item.done", "conversation.item.done",
                     "response.done"]
    assert events[8]["item"]["content"] == [{"type": "output_text", "text": "Hi"}]
    assert events[-1]["response"]["output_modalities"] == ["text"]
    assert events[-1]["response"]["audio"] == {"output": {"format": {"type": "audio/pcm", "rate": 24000},
                                                          "voice": "alloy"}}


def test_a_completed_beta_item_is_added_and_done_and_a_call_gets_its_name() -> None:
    translate = BetaServerEvents()
    user = {"id": "item_u", "type": "message", "role": "user", "status": "completed",
            "content": [{"type": "input_text", "text": "hi"}]}
    assert [e["type"] for e in translate.to_ga({"type": "conversation.item.created", "item": user})] == [
        "conversation.item.added", "conversation.item.done"]
    translate.to_ga({"type": "response.output_item.added", "response_id": "r", "output_index": 0, "item": {
        "id": "item_f", "type": "function_call", "call_id": "call_1", "name": "lookup", "arguments": ""}})
    done = translate.to_ga({"type": "response.function_call_arguments.done", "response_id": "r",
                            "item_id": "item_f", "call_id": "call_1", "arguments": "{}"})
    assert done[0]["name"] == "lookup"


def test_items_of_an_out_of_band_beta_response_are_not_conversation_items() -> None:
    translate = BetaServerEvents()
    translate.to_ga({"type": "response.created", "response": {"id": "resp_oob", "conversation_id": None,
                                                               "modalities": ["text"], "output": []}})
    item = {"id": "item_x", "type": "message", "role": "assistant", "status": "completed",
            "content": [{"type": "text", "text": "aside"}]}
    done = translate.to_ga({"type": "response.output_item.done", "response_id": "resp_oob", "output_index": 0,
                            "item": item})
    assert [event["type"] for event in done] == ["response.output_item.done"]


def test_same_dialects_need_no_translation() -> None:
    assert Dialects(client_beta=True, upstream_beta=True).same
    assert not Dialects(client_beta=False, upstream_beta=True).same
    ga = Dialects(client_beta=False, upstream_beta=False)
    event = {"type": "response.output_audio.delta", "delta": "AAAA"}
    assert ga.upstream_to_ga(event) == [event] and ga.ga_to_client(event) == event
