"""The relayed conversation as the gateway keeps it from the upstream's events: what it replays, what it records,
and when it is busy."""

from __future__ import annotations

import base64

from talkline.realtime.recorder import CallRecorder
from talkline.realtime.relay.mirror import ConversationMirror, base64_length, heard_share, wire_item
from tests.relay.scripts import GaResponse, ga_item_created, user_text_item


def mirror() -> ConversationMirror:
    return ConversationMirror(CallRecorder(), lambda: 48)


def feed(target: ConversationMirror, events: list[dict]) -> None:
    for event in events:
        target.observe(event)


def test_base64_length_without_decoding() -> None:
    for size in range(0, 20):
        assert base64_length(base64.b64encode(bytes(size)).decode()) == size


def test_heard_share_ends_at_a_word() -> None:
    assert heard_share("Flatten the box and put it with paper.", 0.5) == "Flatten the box and"
    assert heard_share("Done.", 1.0) == "Done." and heard_share("Done.", 0.0) == ""


def test_an_upstream_item_is_read_leniently() -> None:
    item = wire_item({"id": "item_1", "object": "realtime.item", "type": "message", "role": "user",
                      "status": "completed", "new_field": 1,
                      "content": [{"type": "input_audio", "transcript": None, "format": "pcm16"},
                                  {"type": "future_part", "x": 1}]})
    assert item is not None and item.id == "item_1" and len(item.content) == 1  # type: ignore[union-attr]
    assert wire_item({"id": "mcp_1", "type": "mcp_call"}) is None


def test_the_replay_keeps_order_ids_and_what_was_heard() -> None:
    target = mirror()
    spoken = GaResponse("resp_1", modality="audio")
    calling = GaResponse("resp_2")
    feed(target, [
        *ga_item_created({"id": "item_u", "type": "message", "role": "user", "status": "completed",
                          "content": [{"type": "input_audio", "transcript": None}]}),
        {"type": "conversation.item.input_audio_transcription.completed", "item_id": "item_u", "content_index": 0,
         "transcript": "How do I sort a pizza box?"},
        *spoken.created(),
        *spoken.message("item_a", ["Flatten the box ", "and put it with paper."], audio=bytes(48 * 1000),
                        previous="item_u"),
        *spoken.done(),
        {"type": "conversation.item.truncated", "item_id": "item_a", "content_index": 0, "audio_end_ms": 500},
        *ga_item_created(user_text_item("item_q", "And the greasy part?"), previous="item_a"),
        *calling.created(),
        *calling.function_call("item_f", "call_1", "lookup", '{"q": "grease"}', previous="item_q"),
        *calling.done(),
        *ga_item_created({"id": "item_o", "type": "function_call_output", "call_id": "call_1",
                          "output": '{"bin": "general"}'}, previous="item_f"),
        *ga_item_created(user_text_item("item_gone", "never mind")),
        {"type": "conversation.item.deleted", "item_id": "item_gone"},
    ])
    assert [event["item"] for event in target.replay()] == [
        {"type": "message", "id": "item_u", "role": "user",
         "content": [{"type": "input_text", "text": "How do I sort a pizza box?"}]},
        {"type": "message", "id": "item_a", "role": "assistant",
         "content": [{"type": "output_text", "text": "Flatten the box and"}]},  # half of the audio was heard
        {"type": "message", "id": "item_q", "role": "user",
         "content": [{"type": "input_text", "text": "And the greasy part?"}]},
        {"type": "function_call", "id": "item_f", "call_id": "call_1", "name": "lookup", "arguments": '{"q": "grease"}'},
        {"type": "function_call_output", "id": "item_o", "call_id": "call_1", "output": '{"bin": "general"}'},
    ]
    assert not target.busy
    heard = [(m.role, m.text) for m in target.recorder.messages(target.conversation)]
    assert heard[:2] == [("user", "How do I sort a pizza box?"), ("assistant", "Flatten the box and")]


def test_busy_while_a_response_runs_the_user_speaks_or_a_transcript_is_due() -> None:
    target = mirror()
    reply = GaResponse("resp_1")
    feed(target, reply.created())
    assert target.busy
    feed(target, reply.done())
    assert not target.busy
    target.observe({"type": "input_audio_buffer.speech_started", "audio_start_ms": 100, "item_id": "item_s"})
    assert target.busy
    target.observe({"type": "input_audio_buffer.speech_stopped", "audio_end_ms": 900, "item_id": "item_s"})
    feed(target, ga_item_created({"id": "item_s", "type": "message", "role": "user", "status": "completed",
                                  "content": [{"type": "input_audio", "transcript": None}]}))
    assert target.busy  # its words are not known yet
    target.observe({"type": "conversation.item.input_audio_transcription.completed", "item_id": "item_s",
                    "content_index": 0, "transcript": "hello"})
    assert not target.busy
    target.client_appended(manual_turns=True)
    assert target.busy  # manual turns: appended audio waits for a commit
    target.observe({"type": "input_audio_buffer.committed", "item_id": "item_t", "previous_item_id": "item_s"})
    assert not target.busy
