"""A speech-to-speech chat model (gpt-audio, or a compatible server) in place of the cascade.

Audio in, the tool loop on the server's tools, speech out, as the pipeline's own events, so the
job adapter writes them like any other reply (the Eco² ADR's design). Its streamed speech is cut
at its quietest moments into pieces of about a sentence.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletionChunk

from talkline.agent.conversation import Turn
from talkline.agent.llm import chat_messages
from talkline.agent.tools import ToolContext, ToolLedger, ToolRegistry, ToolResult
from talkline.audio import Pcm
from talkline.engines.base import EngineError
from talkline.engines.remote.endpoint import REMOTE_FAILURES, OpenAIEndpoint
from talkline.metrics import TOOL_CALLS
from talkline.pipeline.events import (
    AudioOut,
    PipelineEvent,
    ResponseEnd,
    SpeechDone,
    StageTimings,
    StopReason,
    TextOut,
    ToolCallOut,
    ToolResultOut,
    Usage,
)
from talkline.pipeline.respond import MAX_TOOL_STEPS

AUDIO_MODEL_RATE = 24000  # streamed chat audio is pcm16 at 24 kHz


@dataclass(frozen=True)
class AudioTurn:
    """One job's input to a speech-to-speech model: the past turns and the new user turn (audio or text)."""

    history: Sequence[Turn]
    instructions: str
    text: str | None = None
    audio: bytes | None = None  # a WAV file
    voice: str | None = None  # None: a text-only reply


class AudioChatModel:
    """A chat-completions audio model (gpt-audio, or a compatible server): audio in, the tool loop, speech out,
    as the pipeline's events."""

    def __init__(self, endpoint: OpenAIEndpoint, model: str, *, default_voice: str = "alloy",
                 voice_map: Mapping[str, str] | None = None, name: str | None = None) -> None:
        self.name = name or f"openai:{model}"
        self.model = model
        self._endpoint = endpoint
        self._client = endpoint.client()
        self._default_voice = default_voice
        self._voice_map = dict(voice_map or {})

    async def respond(self, turn: AudioTurn, *, tools: ToolRegistry, ledger: ToolLedger,
                      tool_context: ToolContext, timings: StageTimings) -> AsyncIterator[PipelineEvent]:
        messages = self.messages(turn)
        speech = _SpeechPieces()
        text, usage, results = "", Usage(), []
        stop: StopReason = "completed"
        for _ in range(MAX_TOOL_STEPS):
            state = ChatCompletionStreamState()
            async for event in self._step(self.request(messages, turn, tools), state, speech, timings):
                yield event
            reply = state.current_completion_snapshot  # as streamed: a length stop is not an error here
            usage = _added(usage, reply.usage)
            if not reply.choices:
                raise EngineError(f"{self.name} answered without a message", "llm_error")
            message = reply.choices[0].message
            said = (message.audio.transcript if message.audio else None) or message.content or ""
            text += said
            if not message.tool_calls:
                break
            messages.append({"role": "assistant", "content": said or None, "tool_calls": [
                {"id": call.id, "type": "function",
                 "function": {"name": call.function.name, "arguments": call.function.arguments or "{}"}}
                for call in message.tool_calls]})
            step = [(call.id, call.function.name, call.function.arguments or "{}") for call in message.tool_calls]
            for call_id, name, arguments in step:
                yield ToolCallOut(call_id, name, arguments, server=name in tools)
            for result in await asyncio.gather(*(_run_tool(tools, ledger, tool_context, *call) for call in step)):
                TOOL_CALLS.labels(tool=result.name, ok=str(result.ok).lower()).inc()
                results.append(result)
                messages.append({"role": "tool", "tool_call_id": result.call_id, "content": result.output})
                yield ToolResultOut(result)
        else:
            stop = "tool_calls"
        for event in speech.flush():
            yield event
        timings.mark("done")
        yield ResponseEnd(text=text, stop_reason=stop, usage=usage, timings=timings, audio_ms=speech.total_ms,
                          tool_results=tuple(results))

    def messages(self, turn: AudioTurn) -> list[dict[str, Any]]:
        system = [{"role": "system", "content": turn.instructions}] if turn.instructions.strip() else []
        if turn.audio is not None:
            content: Any = [{"type": "input_audio", "input_audio": {
                "data": base64.b64encode(turn.audio).decode("ascii"), "format": "wav"}}]
        else:
            content = turn.text or ""
        return [*system, *chat_messages(turn.history), {"role": "user", "content": content}]

    def request(self, messages: list[dict[str, Any]], turn: AudioTurn, tools: ToolRegistry) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "stream": True, "messages": messages,
                                "stream_options": {"include_usage": True}}
        if turn.voice is not None:
            body["modalities"] = ["text", "audio"]
            body["audio"] = {"voice": self._voice_map.get(turn.voice, turn.voice) or self._default_voice,
                             "format": "pcm16"}
        else:
            body["modalities"] = ["text"]
        if len(tools):
            body["tools"] = [spec.chat() for spec in tools.specs()]
        return body

    async def _step(self, body: dict[str, Any], state: ChatCompletionStreamState, speech: _SpeechPieces,
                    timings: StageTimings) -> AsyncIterator[PipelineEvent]:
        try:
            stream = await self._client.chat.completions.create(**body)
            async with stream:  # leaving early closes the HTTP response, which stops the model
                async for chunk in stream:
                    state.handle_chunk(chunk)
                    for event in _chunk_events(chunk, speech):
                        timings.mark("first_audio" if isinstance(event, AudioOut) else "first_token")
                        yield event
        except REMOTE_FAILURES as failure:
            raise self._endpoint.error(failure, "llm") from failure


def _chunk_events(chunk: ChatCompletionChunk, speech: _SpeechPieces) -> list[PipelineEvent]:
    events: list[PipelineEvent] = []
    for choice in chunk.choices[:1]:
        delta = choice.delta
        if delta.content:
            events.append(TextOut(delta.content))
        if delta.audio is not None:
            if delta.audio.transcript:
                events.append(TextOut(delta.audio.transcript))
            if delta.audio.data:
                events += speech.push(Pcm(base64.b64decode(delta.audio.data), AUDIO_MODEL_RATE))
    return events


async def _run_tool(tools: ToolRegistry, ledger: ToolLedger, context: ToolContext, call_id: str, name: str,
                    arguments: str) -> ToolResult:
    tool = tools.get(name)
    if tool is None:
        return ToolResult(call_id, name, json.dumps({"error": {"code": "unknown_tool", "message": (
            f"there is no tool named {name}")}}), ok=False)
    return await ledger.run(call_id, tool, arguments, context)


def _added(usage: Usage, reported: Any) -> Usage:
    if reported is None:
        return usage
    audio_in = getattr(reported.prompt_tokens_details, "audio_tokens", None) or 0
    audio_out = getattr(reported.completion_tokens_details, "audio_tokens", None) or 0
    return Usage(input_text_tokens=usage.input_text_tokens + reported.prompt_tokens - audio_in,
                 input_audio_tokens=usage.input_audio_tokens + audio_in,
                 output_text_tokens=usage.output_text_tokens + reported.completion_tokens - audio_out,
                 output_audio_tokens=usage.output_audio_tokens + audio_out)


@dataclass
class _SpeechPieces:
    """Streamed speech cut into pieces of about a sentence: a piece ends at the quietest 20 ms between
    MIN_MS and MAX_MS of audio. Where it ends depends only on the audio, not on how it was streamed."""

    MIN_MS = 1500
    MAX_MS = 2500
    FRAME_MS = 20

    buffer: bytearray = field(default_factory=bytearray)
    index: int = 0
    total_ms: float = 0.0

    def push(self, pcm: Pcm) -> list[PipelineEvent]:
        self.buffer += pcm.data
        events: list[PipelineEvent] = []
        while len(self.buffer) >= _bytes(self.MAX_MS):
            events += self._piece(self._quietest_cut())
        return events

    def flush(self) -> list[PipelineEvent]:
        return self._piece(len(self.buffer)) if self.buffer else []

    def _quietest_cut(self) -> int:
        frame = _bytes(self.FRAME_MS)
        window = np.frombuffer(bytes(self.buffer[_bytes(self.MIN_MS):_bytes(self.MAX_MS)]), dtype="<i2")
        energy = np.square(window.astype(np.float64)).reshape(-1, frame // 2).mean(axis=1)
        return _bytes(self.MIN_MS) + int(np.argmin(energy)) * frame

    def _piece(self, cut: int) -> list[PipelineEvent]:
        pcm = Pcm(bytes(self.buffer[:cut]), AUDIO_MODEL_RATE)
        del self.buffer[:cut]
        self.total_ms += pcm.duration_ms
        self.index += 1
        return [AudioOut(pcm, self.index - 1), SpeechDone(self.index - 1)]


def _bytes(ms: float) -> int:
    return int(AUDIO_MODEL_RATE * ms / 1000) * 2
