"""Server events as an upstream Realtime service sends them (reference/realtime-protocol.md §1.6-1.9), GA and beta,
for the scripted fake upstream."""

from __future__ import annotations

import base64
import copy
from typing import Any

Event = dict[str, Any]

GA_SESSION: Event = {
    "type": "realtime", "object": "realtime.session", "id": "sess_upstream", "model": "gpt-realtime",
    "output_modalities": ["audio"], "instructions": "", "tools": [], "tool_choice": "auto",
    "max_output_tokens": "inf", "tracing": None, "truncation": "auto", "prompt": None, "expires_at": 1_900_000_000,
    "audio": {"input": {"format": {"type": "audio/pcm", "rate": 24000}, "transcription": None,
                        "noise_reduction": None,
                        "turn_detection": {"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300,
                                           "silence_duration_ms": 200, "idle_timeout_ms": None,
                                           "create_response": True, "interrupt_response": True}},
              "output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "alloy", "speed": 1.0}},
    "include": None,
}
BETA_SESSION: Event = {
    "id": "sess_upstream", "object": "realtime.session", "model": "gpt-4o-realtime-preview",
    "modalities": ["text", "audio"], "instructions": "", "voice": "alloy", "input_audio_format": "pcm16",
    "output_audio_format": "pcm16", "input_audio_transcription": None,
    "turn_detection": {"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300, "silence_duration_ms": 200,
                       "create_response": True, "interrupt_response": True},
    "tools": [], "tool_choice": "auto", "temperature": 0.8, "max_response_output_tokens": "inf", "speed": 1.0,
    "expires_at": 1_900_000_000,
}


def with_fields(base: Event, **fields: Any) -> Event:
    merged = copy.deepcopy(base)
    merged.update(copy.deepcopy(fields))
    return merged


def ga_session_events(kind: str, **fields: Any) -> Event:
    return {"type": kind, "session": with_fields(GA_SESSION, **fields)}


def beta_session_events(kind: str, **fields: Any) -> Event:
    return {"type": kind, "session": with_fields(BETA_SESSION, **fields)}


def user_text_item(item_id: str, text: str) -> Event:
    return {"id": item_id, "object": "realtime.item", "type": "message", "role": "user", "status": "completed",
            "content": [{"type": "input_text", "text": text}]}


def ga_item_created(item: Event, previous: str | None = None) -> list[Event]:
    return [{"type": "conversation.item.added", "previous_item_id": previous, "item": item},
            {"type": "conversation.item.done", "previous_item_id": previous, "item": item}]


class GaResponse:
    """One GA response, event by event."""

    def __init__(self, response_id: str, *, modality: str = "text") -> None:
        self.id, self.modality = response_id, modality
        self.output: list[Event] = []

    def response(self, status: str) -> Event:
        return {"object": "realtime.response", "id": self.id, "status": status,
                "status_details": None if status in ("in_progress", "completed") else {"type": status,
                                                                                        "reason": "turn_detected"},
                "output": copy.deepcopy(self.output) if status != "in_progress" else [],
                "conversation_id": "conv_upstream", "output_modalities": [self.modality],
                "max_output_tokens": "inf",
                "audio": {"output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "alloy"}},
                "usage": None, "metadata": None}

    def created(self) -> list[Event]:
        return [{"type": "response.created", "response": self.response("in_progress")}]

    def done(self, status: str = "completed") -> list[Event]:
        return [{"type": "response.done", "response": self.response(status)},
                {"type": "rate_limits.updated", "rate_limits": [{"name": "tokens", "limit": 0, "remaining": 0,
                                                                 "reset_seconds": 0.0}]}]

    def message(self, item_id: str, pieces: list[str], *, audio: bytes = b"", previous: str | None = None
                ) -> list[Event]:
        index, text = len(self.output), "".join(pieces)
        audio_mode = self.modality == "audio"
        opening = {"id": item_id, "object": "realtime.item", "type": "message", "role": "assistant",
                   "status": "in_progress", "content": []}
        final = {**opening, "status": "completed",
                 "content": [{"type": "output_audio", "transcript": text} if audio_mode
                             else {"type": "output_text", "text": text}]}
        where = {"response_id": self.id, "item_id": item_id, "output_index": index, "content_index": 0}
        part = {"type": "audio", "transcript": ""} if audio_mode else {"type": "text", "text": ""}
        done_part = {"type": "audio", "transcript": text} if audio_mode else {"type": "text", "text": text}
        kind = "response.output_audio_transcript" if audio_mode else "response.output_text"
        events = [{"type": "response.output_item.added", "response_id": self.id, "output_index": index,
                   "item": opening},
                  {"type": "conversation.item.added", "previous_item_id": previous, "item": opening},
                  {"type": "response.content_part.added", **where, "part": part},
                  *({"type": f"{kind}.delta", **where, "delta": piece} for piece in pieces)]
        for start in range(0, len(audio), 9600):
            events.append({"type": "response.output_audio.delta", **where,
                           "delta": base64.b64encode(audio[start:start + 9600]).decode()})
        if audio_mode:
            events.append({"type": "response.output_audio.done", **where})
        events += [{"type": f"{kind}.done", **where, ("transcript" if audio_mode else "text"): text},
                   {"type": "response.content_part.done", **where, "part": done_part},
                   {"type": "response.output_item.done", "response_id": self.id, "output_index": index, "item": final},
                   {"type": "conversation.item.done", "previous_item_id": previous, "item": final}]
        self.output.append(final)
        return events

    def function_call(self, item_id: str, call_id: str, name: str, arguments: str, *,
                      previous: str | None = None) -> list[Event]:
        index = len(self.output)
        opening = {"id": item_id, "object": "realtime.item", "type": "function_call", "status": "in_progress",
                   "call_id": call_id, "name": name, "arguments": ""}
        final = {**opening, "status": "completed", "arguments": arguments}
        where = {"response_id": self.id, "item_id": item_id, "output_index": index, "call_id": call_id}
        self.output.append(final)
        return [{"type": "response.output_item.added", "response_id": self.id, "output_index": index, "item": opening},
                {"type": "conversation.item.added", "previous_item_id": previous, "item": opening},
                {"type": "response.function_call_arguments.delta", **where, "delta": arguments},
                {"type": "response.function_call_arguments.done", **where, "name": name, "arguments": arguments},
                {"type": "response.output_item.done", "response_id": self.id, "output_index": index, "item": final},
                {"type": "conversation.item.done", "previous_item_id": previous, "item": final}]


def beta_text_response(response_id: str, item_id: str, pieces: list[str], *, previous: str | None = None
                       ) -> list[Event]:
    """A beta text response: `response.text.*`, one `conversation.item.created`, beta response objects."""
    text = "".join(pieces)
    opening = {"id": item_id, "object": "realtime.item", "type": "message", "role": "assistant",
               "status": "in_progress", "content": []}
    final = {**opening, "status": "completed", "content": [{"type": "text", "text": text}]}
    where = {"response_id": response_id, "item_id": item_id, "output_index": 0, "content_index": 0}

    def response(status: str, output: list[Event]) -> Event:
        return {"object": "realtime.response", "id": response_id, "status": status, "status_details": None,
                "output": output, "conversation_id": "conv_upstream", "modalities": ["text"], "voice": "alloy",
                "output_audio_format": "pcm16", "temperature": 0.8, "max_output_tokens": "inf", "usage": None,
                "metadata": None}

    return [{"type": "response.created", "response": response("in_progress", [])},
            {"type": "response.output_item.added", "response_id": response_id, "output_index": 0, "item": opening},
            {"type": "conversation.item.created", "previous_item_id": previous, "item": opening},
            {"type": "response.content_part.added", **where, "part": {"type": "text", "text": ""}},
            *({"type": "response.text.delta", **where, "delta": piece} for piece in pieces),
            {"type": "response.text.done", **where, "text": text},
            {"type": "response.content_part.done", **where, "part": {"type": "text", "text": text}},
            {"type": "response.output_item.done", "response_id": response_id, "output_index": 0, "item": final},
            {"type": "response.done", "response": response("completed", [final])}]
