"""A turn's events as what a chat completion shows: content or transcript text, 24 kHz audio, the
client's tool calls, and the end. Server tools run inside the pipeline and are not shown."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from talkline.audio import Pcm, RateMatcher
from talkline.pipeline import Turn
from talkline.pipeline.events import AudioOut, ResponseEnd, SpeechOut, TextOut, ToolCallOut

OUTPUT_RATE = 24000  # chat audio (pcm16 and the encoded formats) is 24 kHz mono
FINISH_REASONS = {"completed": "stop", "tool_calls": "tool_calls", "max_output_tokens": "length"}


@dataclass(frozen=True, slots=True)
class ContentPiece:
    text: str


@dataclass(frozen=True, slots=True)
class TranscriptPiece:
    text: str


@dataclass(frozen=True, slots=True)
class AudioPiece:
    pcm: Pcm


@dataclass(frozen=True, slots=True)
class ToolCallPiece:
    index: int
    call: ToolCallOut

    def as_message_call(self) -> dict[str, Any]:
        return {"id": self.call.call_id, "type": "function",
                "function": {"name": self.call.name, "arguments": self.call.arguments}}


ChatPiece = ContentPiece | TranscriptPiece | AudioPiece | ToolCallPiece | ResponseEnd


async def chat_pieces(turn: Turn, *, audio: bool) -> AsyncIterator[ChatPiece]:
    """The response's pieces, ending with its ResponseEnd. The caller closes `turn`."""
    to_output_rate = RateMatcher(OUTPUT_RATE)
    tool_calls = 0
    async for event in turn:
        if isinstance(event, TextOut) and not audio:
            yield ContentPiece(event.text)
        elif isinstance(event, SpeechOut) and event.text:
            yield TranscriptPiece(event.text)
        elif isinstance(event, AudioOut):
            if (pcm := to_output_rate.push(event.pcm)).data:
                yield AudioPiece(pcm)
        elif isinstance(event, ToolCallOut) and not event.server:
            yield ToolCallPiece(tool_calls, event)
            tool_calls += 1
        elif isinstance(event, ResponseEnd):
            if (tail := to_output_rate.flush()).data:
                yield AudioPiece(tail)
            yield event


@dataclass(frozen=True, slots=True)
class Completion:
    """What every chunk (or the one response body) of a completion repeats."""

    id: str
    model: str
    created: int

    @classmethod
    def new(cls, model: str) -> Completion:
        return cls("chatcmpl-" + secrets.token_hex(12), model, int(time.time()))

    def envelope(self, obj: str) -> dict[str, Any]:
        return {"id": self.id, "object": obj, "created": self.created, "model": self.model,
                "system_fingerprint": None}
