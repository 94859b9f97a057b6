"""An agent that hears and speaks: a chat-completions audio model (gpt-audio, or a compatible server).

One model step, like the LLM agent's, streamed: the user's recorded audio goes in as an `input_audio`
part (`Message.audio`), the reply comes back as text (its transcript), speech (`AudioDelta`, pcm16 at
24 kHz) and tool calls; the usage the model reports ends the step. The turn's one tool loop runs the
tools and asks again (the Eco² ADR's design).
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Mapping
from typing import Any

from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.types.chat import ChatCompletionChunk

from talkline.agent.base import (
    AgentEvent,
    AgentRequest,
    AudioDelta,
    TextDelta,
    ToolCallRequest,
    Usage,
    UsageReport,
)
from talkline.agent.llm import chat_messages
from talkline.audio.pcm import Pcm
from talkline.engines.base import EngineError
from talkline.engines.remote.endpoint import REMOTE_FAILURES, OpenAIEndpoint

AUDIO_MODEL_RATE = 24000  # streamed chat audio is pcm16 at 24 kHz


class AudioLLMAgent:
    """Implements Agent for a speech-to-speech chat model; `request.voice` None asks for a text-only reply."""

    def __init__(self, endpoint: OpenAIEndpoint, model: str, *, default_voice: str = "alloy",
                 voice_map: Mapping[str, str] | None = None, name: str | None = None) -> None:
        self.name = name or f"openai:{model}"
        self.model = model
        self._endpoint = endpoint
        self._client = endpoint.client()
        self._default_voice = default_voice
        self._voice_map = dict(voice_map or {})

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        state = ChatCompletionStreamState()
        try:
            stream = await self._client.chat.completions.create(**self.chat_request(request))
            async with stream:  # leaving early closes the HTTP response, which stops the model
                async for chunk in stream:
                    state.handle_chunk(chunk)
                    for event in _chunk_events(chunk):
                        yield event
        except REMOTE_FAILURES as failure:
            raise self._endpoint.error(failure, "llm") from failure
        reply = state.current_completion_snapshot  # as streamed: a length stop is not an error here
        if not reply.choices:
            raise EngineError(f"{self.name} answered without a message", "llm_error")
        if reply.usage is not None:
            yield UsageReport(_usage(reply.usage))
        for call in reply.choices[0].message.tool_calls or ():
            yield ToolCallRequest(call.id, call.function.name, call.function.arguments or "{}")

    def chat_request(self, request: AgentRequest) -> dict[str, Any]:
        system = [{"role": "system", "content": request.instructions}] if request.instructions.strip() else []
        body: dict[str, Any] = {"model": self.model, "stream": True,
                                "messages": [*system, *chat_messages(request.history)],
                                "stream_options": {"include_usage": True}}
        if request.voice is not None:
            body["modalities"] = ["text", "audio"]
            body["audio"] = {"voice": self._voice_map.get(request.voice, request.voice) or self._default_voice,
                             "format": "pcm16"}
        else:
            body["modalities"] = ["text"]
        if request.tools:
            body["tools"] = [spec.chat() for spec in request.tools]
        return body


def _chunk_events(chunk: ChatCompletionChunk) -> list[AgentEvent]:
    events: list[AgentEvent] = []
    for choice in chunk.choices[:1]:
        delta = choice.delta
        if delta.content:
            events.append(TextDelta(delta.content))
        if delta.audio is not None:
            if delta.audio.transcript:
                events.append(TextDelta(delta.audio.transcript))
            if delta.audio.data:
                events.append(AudioDelta(Pcm(base64.b64decode(delta.audio.data), AUDIO_MODEL_RATE)))
    return events


def _usage(reported: Any) -> Usage:
    audio_in = getattr(reported.prompt_tokens_details, "audio_tokens", None) or 0
    audio_out = getattr(reported.completion_tokens_details, "audio_tokens", None) or 0
    return Usage(input_text_tokens=reported.prompt_tokens - audio_in, input_audio_tokens=audio_in,
                 output_text_tokens=reported.completion_tokens - audio_out, output_audio_tokens=audio_out)
