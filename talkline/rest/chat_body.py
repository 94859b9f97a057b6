"""A chat completion as one `chat.completion` JSON body. An audio reply is encoded whole in the
requested format; its text lives in `message.audio.transcript` and `message.content` is null."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Callable
from typing import Any

from talkline.audio import Pcm, encode_audio
from talkline.pipeline.events import ResponseEnd
from talkline.rest.chat_events import (
    FINISH_REASONS,
    OUTPUT_RATE,
    AudioPiece,
    ChatPiece,
    Completion,
    ToolCallPiece,
    TranscriptPiece,
)
from talkline.rest.usage import chat_usage


async def completion_body(pieces: AsyncIterator[ChatPiece], completion: Completion, *, audio_id: str | None,
                          audio_format: str | None, input_audio_ms: float,
                          remember_audio: Callable[[str, str], int]) -> dict[str, Any]:
    transcript: list[str] = []
    audio: list[bytes] = []
    calls: list[dict[str, Any]] = []
    end: ResponseEnd | None = None
    async for piece in pieces:
        if isinstance(piece, TranscriptPiece):
            transcript.append(piece.text)
        elif isinstance(piece, AudioPiece):
            audio.append(piece.pcm.data)
        elif isinstance(piece, ToolCallPiece):
            calls.append(piece.as_message_call())
        elif isinstance(piece, ResponseEnd):
            end = piece
    if end is None:
        raise RuntimeError("the response ended without a result")
    message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None, "annotations": []}
    if audio_id is None or audio_format is None:
        message["content"] = end.text if end.text or not calls else None
    elif transcript or audio:
        data = await asyncio.to_thread(encode_audio, Pcm(b"".join(audio), OUTPUT_RATE), audio_format)
        text = "".join(transcript)
        message["audio"] = {"id": audio_id, "data": base64.b64encode(data).decode(),
                            "expires_at": remember_audio(audio_id, text), "transcript": text}
    if calls:
        message["tool_calls"] = calls
    return {**completion.envelope("chat.completion"),
            "choices": [{"index": 0, "message": message, "finish_reason": FINISH_REASONS[end.stop_reason],
                         "logprobs": None}],
            "usage": chat_usage(end.usage, input_audio_ms),
            "timings": end.timings}
