"""Chat Completions stream chunks as OpenAI sends them (reference/realtime-protocol.md §3.3), for scripts."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class ScriptedCall:
    """A tool call the fake model makes; its JSON arguments arrive in `fragments`."""

    call_id: str
    name: str
    fragments: Sequence[str]


def chunk(delta: dict[str, Any], finish_reason: str | None = None, *, model: str = MODEL) -> dict[str, Any]:
    return {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": model,
            "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}]}


def usage_chunk(prompt_tokens: int, completion_tokens: int, *, model: str = MODEL) -> dict[str, Any]:
    """The last chunk when the request asked for `stream_options: {include_usage: true}`."""
    return {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": model,
            "choices": [], "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                                     "total_tokens": prompt_tokens + completion_tokens}}


def opening() -> dict[str, Any]:
    return chunk({"role": "assistant", "content": "", "refusal": None})


def text_chunks(*pieces: str, finish_reason: str = "stop") -> list[dict[str, Any]]:
    """A streamed text answer: the role, one chunk per piece, then the finish reason."""
    return [opening(), *(chunk({"content": piece}) for piece in pieces), chunk({}, finish_reason)]


def tool_call_chunks(*calls: ScriptedCall, preamble: Sequence[str] = (), interleave: bool = False
                     ) -> list[dict[str, Any]]:
    """Tool calls (several are parallel calls), after optional preamble text. Each call opens with its
    id and name and empty arguments; `interleave` mixes the calls' argument fragments, which a client
    must still put together by index."""
    chunks = [opening(), *(chunk({"content": piece}) for piece in preamble)]
    chunks += [_call_delta(index, {"id": call.call_id, "type": "function",
                                   "function": {"name": call.name, "arguments": ""}})
               for index, call in enumerate(calls)]
    fragments = [[(index, fragment) for fragment in call.fragments] for index, call in enumerate(calls)]
    order = ([item for row in zip_longest(*fragments) for item in row if item] if interleave
             else [item for row in fragments for item in row])
    chunks += [_call_delta(index, {"function": {"arguments": fragment}}) for index, fragment in order]
    return [*chunks, chunk({}, "tool_calls")]


def _call_delta(index: int, fields: dict[str, Any]) -> dict[str, Any]:
    return chunk({"tool_calls": [{"index": index, **fields}]})


def audio_chunks(transcript: Sequence[str], pcm: bytes, *, audio_id: str = "audio_fake", piece_bytes: int = 4800,
                 expires_at: int = 1_700_003_600) -> list[dict[str, Any]]:
    """A spoken answer (`modalities: ["text", "audio"]`, pcm16): transcript pieces, then the audio in
    separately base64-encoded pieces, the expiry marker and the finish reason."""
    chunks = [chunk({"role": "assistant", "refusal": None})]
    chunks += [chunk({"content": None, "audio": {"id": audio_id, "transcript": piece}} if index == 0
                     else {"audio": {"transcript": piece}}) for index, piece in enumerate(transcript)]
    for start in range(0, len(pcm), piece_bytes):
        data = base64.b64encode(pcm[start:start + piece_bytes]).decode()
        chunks.append(chunk({"audio": {"id": audio_id, "data": data}} if start == 0 else {"audio": {"data": data}}))
    return [*chunks, chunk({"audio": {"expires_at": expires_at}}), chunk({}, "stop")]
