"""`POST /v1/audio/speech`: text to audio, sentence by sentence so the first audio leaves early.

mp3, aac and pcm stream as they are spoken (chunked body); opus, flac and wav are encoded whole.
`stream_format: "sse"` sends `speech.audio.delta` events (base64 chunks of the requested format; for
opus, flac and wav each chunk is a small complete file) and a final `speech.audio.done` with usage.
The first chunk is made before the response starts, so a voice the engine refuses is still a 4xx.
"""

# No `from __future__ import annotations`: FastAPI must see the route's annotations at runtime.
import asyncio
import base64
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from talkline.audio import AudioChunk, ChunkEncoder, Pcm, RateMatcher, content_type, encode_audio
from talkline.auth.identity import Caller
from talkline.engines.base import EngineError, TextToSpeech
from talkline.pipeline.chunker import SentenceChunker
from talkline.rest.chat_models import VoiceId
from talkline.rest.errors import engine_error
from talkline.rest.openai_sse import sse_response
from talkline.rest.services import RestServices
from talkline.rest.usage import speech_usage
from talkline.rest.voices import check_voice

MAX_INPUT_CHARS = 4096
OUTPUT_RATE = 24000  # `pcm` is raw 24 kHz s16le mono, as OpenAI's
STREAMED_FORMATS = frozenset({"mp3", "aac", "pcm"})


class SpeechRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    model: Annotated[str, Field(min_length=1)]
    input: Annotated[str, Field(max_length=MAX_INPUT_CHARS)]
    voice: str | VoiceId
    instructions: str | None = None  # accepted; the local voices cannot be directed
    response_format: Literal["mp3", "opus", "aac", "flac", "wav", "pcm"] = "mp3"
    speed: Annotated[float, Field(ge=0.25, le=4.0)] = 1.0
    stream_format: Literal["audio", "sse"] = "audio"

    @field_validator("input")
    @classmethod
    def _has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("there is no text to speak")
        return value

    @property
    def voice_name(self) -> str:
        return self.voice if isinstance(self.voice, str) else self.voice.id


def speech_router(services: RestServices, caller_dep: Callable[..., Awaitable[Caller]]) -> APIRouter:
    router = APIRouter(tags=["openai"])

    @router.post("/v1/audio/speech", response_model=None)
    async def speech(body: SpeechRequest, caller: Annotated[Caller, Depends(caller_dep)]) -> Response:
        tts = services.pipeline(services.bound_model(body.model, caller)).tts
        check_voice(tts, body.voice_name, "voice")
        spoken = _speak(tts, body)
        fmt = body.response_format
        if body.stream_format == "sse":
            chunks = _encoded(spoken, fmt)
            return sse_response(_events(await _first(chunks), chunks, body.input))
        if fmt in STREAMED_FORMATS:
            chunks = _encoded(spoken, fmt)
            return StreamingResponse(_body(await _first(chunks), chunks), media_type=content_type(fmt))
        return Response(await _whole(spoken, fmt), media_type=content_type(fmt))

    return router


async def _speak(tts: TextToSpeech, body: SpeechRequest) -> AsyncGenerator[Pcm, None]:
    chunker = SentenceChunker()
    for piece in [*chunker.push(body.input), *chunker.flush()]:
        if piece.strip():
            async for pcm in tts.synthesize(piece.strip(), voice=body.voice_name, speed=body.speed):
                yield pcm


async def _encoded(spoken: AsyncGenerator[Pcm, None], fmt: str) -> AsyncGenerator[AudioChunk, None]:
    encoder = ChunkEncoder(fmt, OUTPUT_RATE)
    async with aclosing(spoken):
        async for pcm in spoken:
            if chunk := await asyncio.to_thread(encoder.push, pcm):
                yield chunk
    if tail := await asyncio.to_thread(encoder.flush):
        yield tail


async def _first(chunks: AsyncGenerator[AudioChunk, None]) -> AudioChunk | None:
    try:
        return await anext(chunks, None)
    except EngineError as exc:
        raise engine_error(exc) from None


async def _whole(spoken: AsyncGenerator[Pcm, None], fmt: str) -> bytes:
    to_output_rate = RateMatcher(OUTPUT_RATE)
    parts: list[bytes] = []
    try:
        async with aclosing(spoken):
            async for pcm in spoken:
                parts.append(to_output_rate.push(pcm).data)
    except EngineError as exc:
        raise engine_error(exc) from None
    parts.append(to_output_rate.flush().data)
    return await asyncio.to_thread(encode_audio, Pcm(b"".join(parts), OUTPUT_RATE), fmt)


async def _chain(first: AudioChunk | None, chunks: AsyncGenerator[AudioChunk, None]
                 ) -> AsyncGenerator[AudioChunk, None]:
    if first is not None:
        yield first
    async with aclosing(chunks):
        async for chunk in chunks:
            yield chunk


async def _body(first: AudioChunk | None, chunks: AsyncGenerator[AudioChunk, None]) -> AsyncGenerator[bytes, None]:
    async for chunk in _chain(first, chunks):
        yield chunk.data


async def _events(first: AudioChunk | None, chunks: AsyncGenerator[AudioChunk, None], text: str
                  ) -> AsyncGenerator[dict[str, Any], None]:
    audio_ms = 0.0
    async for chunk in _chain(first, chunks):
        audio_ms += chunk.duration_ms
        yield {"type": "speech.audio.delta", "audio": base64.b64encode(chunk.data).decode()}
    yield {"type": "speech.audio.done", "usage": speech_usage(text, audio_ms)}
