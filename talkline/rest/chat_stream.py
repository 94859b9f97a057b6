"""A chat completion as `chat.completion.chunk` SSE data, in the order OpenAI's service sends them.

role chunk → content / audio transcript and data / tool call deltas → the audio's `expires_at`
marker → the finish chunk → the usage chunk (when asked for) → `[DONE]`. Audio is base64 pcm16 at
24 kHz; the audio id rides on the first audio delta.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Callable
from typing import Any

from talkline.pipeline.events import ResponseEnd
from talkline.rest.chat_events import (
    FINISH_REASONS,
    AudioPiece,
    ChatPiece,
    Completion,
    ContentPiece,
    ToolCallPiece,
    TranscriptPiece,
)
from talkline.rest.usage import chat_usage

ARGUMENT_DELTA_CHARS = 64
DONE = "[DONE]"


class _Chunks:
    def __init__(self, completion: Completion, audio_id: str | None) -> None:
        self.completion = completion
        self.audio_id = audio_id
        self.audio_started = False

    def chunk(self, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        return {**self.completion.envelope("chat.completion.chunk"),
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}]}

    def audio(self, **fields: Any) -> dict[str, Any]:
        if not self.audio_started:
            self.audio_started = True
            return self.chunk({"content": None, "audio": {"id": self.audio_id, **fields}})
        return self.chunk({"audio": fields})

    def tool_call(self, piece: ToolCallPiece) -> list[dict[str, Any]]:
        call = piece.call
        head = {"index": piece.index, "id": call.call_id, "type": "function",
                "function": {"name": call.name, "arguments": ""}}
        chunks = [self.chunk({"tool_calls": [head]})]
        for start in range(0, len(call.arguments), ARGUMENT_DELTA_CHARS):
            fragment = call.arguments[start:start + ARGUMENT_DELTA_CHARS]
            chunks.append(self.chunk({"tool_calls": [{"index": piece.index, "function": {"arguments": fragment}}]}))
        return chunks


async def stream_chunks(pieces: AsyncIterator[ChatPiece], completion: Completion, *, audio_id: str | None,
                        include_usage: bool, input_audio_ms: float,
                        remember_audio: Callable[[str, str], int]) -> AsyncIterator[dict[str, Any] | str]:
    """`remember_audio(audio_id, transcript)` keeps an audio reply's transcript, returning its expiry."""
    chunks = _Chunks(completion, audio_id)
    yield chunks.chunk({"role": "assistant", "content": None if audio_id else "", "refusal": None})
    transcript: list[str] = []
    end: ResponseEnd | None = None
    async for piece in pieces:
        if isinstance(piece, ContentPiece):
            yield chunks.chunk({"content": piece.text})
        elif isinstance(piece, TranscriptPiece):
            transcript.append(piece.text)
            yield chunks.audio(transcript=piece.text)
        elif isinstance(piece, AudioPiece):
            yield chunks.audio(data=base64.b64encode(piece.pcm.data).decode())
        elif isinstance(piece, ToolCallPiece):
            for chunk in chunks.tool_call(piece):
                yield chunk
        else:
            end = piece
    if end is None:
        raise RuntimeError("the response ended without a result")
    if audio_id is not None and chunks.audio_started:
        yield chunks.chunk({"audio": {"expires_at": remember_audio(audio_id, "".join(transcript))}})
    yield {**chunks.chunk({}, FINISH_REASONS[end.stop_reason]), "timings": end.timings}
    if include_usage:
        yield {**completion.envelope("chat.completion.chunk"), "choices": [],
               "usage": chat_usage(end.usage, input_audio_ms)}
    yield DONE
