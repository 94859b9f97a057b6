"""The LLM agent: one model step over any OpenAI-compatible `/v1/chat/completions` (OpenAI, Ollama, vLLM,
llama.cpp's server), streamed.

The conversation becomes Chat Completions messages (each tool call travelling with its output, the
oldest turns dropped to fit a token budget), text deltas are passed on as they arrive, and tool-call
fragments are gathered by index, so parallel calls end the step as several ToolCallRequests.
Cancelling the consumer closes the HTTP stream at once, which stops the server generating.
"""

from __future__ import annotations

import base64
import logging
import math
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openai.types.chat import ChatCompletionChunk
from openai.types.chat.chat_completion_chunk import ChoiceDeltaToolCall

from talkline.agent.base import AgentEvent, AgentRequest, TextDelta, ToolCallRequest, ToolChoice
from talkline.agent.history import HistoryItem, Message, ToolOutput
from talkline.agent.skill import new_call_id
from talkline.agent.tools import ToolSpec
from talkline.engines.base import EngineError
from talkline.engines.remote.endpoint import REMOTE_FAILURES, OpenAIEndpoint

log = logging.getLogger(__name__)

DEFAULT_HISTORY_TOKENS = 8000
BYTES_PER_TOKEN = 3  # UTF-8 bytes per token, erring on the long side: a Hangul syllable is 3 bytes, ~1 token
MESSAGE_OVERHEAD_TOKENS = 4
# an empty user turn is the user staying silent (an idle timeout); the model is told so in words
SILENT_USER = "(The user has said nothing for a while.)"

ChatMessage = dict[str, Any]
InstructionRenderer = Callable[[AgentRequest], str]


@dataclass(frozen=True, slots=True)
class LLMUsage:
    model: str
    input_tokens: int
    output_tokens: int


class LLMAgent:
    """Implements Agent. `render_instructions` turns a request into the system prompt (a profile uses it to
    render its options, such as the practice scenario and persona); by default it is `request.instructions`."""

    def __init__(self, endpoint: OpenAIEndpoint, model: str, *, name: str | None = None,
                 history_token_budget: int = DEFAULT_HISTORY_TOKENS, temperature: float | None = None,
                 render_instructions: InstructionRenderer | None = None, stream_usage: bool = True,
                 extra_body: Mapping[str, Any] | None = None,
                 on_usage: Callable[[LLMUsage], None] | None = None) -> None:
        self.name = name or f"llm:{model}"
        self.model = model
        self.history_token_budget = history_token_budget
        self._endpoint = endpoint
        self._client = endpoint.client()
        self._temperature = temperature
        self._render = render_instructions or (lambda request: request.instructions)
        self._stream_usage = stream_usage  # some compatible servers reject `stream_options`
        self._extra_body = dict(extra_body or {})
        self._on_usage = on_usage

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        calls = _ToolCallParts()
        try:
            stream = await self._client.chat.completions.create(**self.chat_request(request))
            async with stream:  # leaving early (cancelled, closed) closes the HTTP response at once
                async for chunk in stream:
                    for text in self._read(chunk, calls):
                        yield TextDelta(text)
        except REMOTE_FAILURES as failure:
            raise self._endpoint.error(failure, "llm") from failure
        for call in calls.requests():
            yield call

    def chat_request(self, request: AgentRequest) -> dict[str, Any]:
        """The arguments of `chat.completions.create` for one step."""
        system = self._render(request).strip()
        head = [{"role": "system", "content": system}] if system else []
        budget = self.history_token_budget - sum(map(message_tokens, head))
        body: dict[str, Any] = {"model": self.model, "stream": True,
                                "messages": head + trim_history(chat_messages(request.history), budget)}
        if self._stream_usage:
            body["stream_options"] = {"include_usage": True}
        if request.tools:
            body["tools"] = [spec.chat() for spec in request.tools]
            body["tool_choice"] = chat_tool_choice(request.tool_choice, request.tools)
        if request.max_output_tokens is not None:
            body["max_completion_tokens"] = request.max_output_tokens
        if self._temperature is not None:
            body["temperature"] = self._temperature
        if self._extra_body:
            body["extra_body"] = dict(self._extra_body)
        return body

    def _read(self, chunk: ChatCompletionChunk, calls: _ToolCallParts) -> list[str]:
        if chunk.usage is not None:
            self._report(LLMUsage(self.model, chunk.usage.prompt_tokens, chunk.usage.completion_tokens))
        texts: list[str] = []
        for choice in chunk.choices[:1]:
            delta = choice.delta
            texts += [text for text in (delta.content, delta.refusal) if text]
            for position, part in enumerate(delta.tool_calls or ()):
                calls.add(position, part)
        return texts

    def _report(self, usage: LLMUsage) -> None:
        log.debug("%s used %d input and %d output tokens", self.name, usage.input_tokens, usage.output_tokens)
        if self._on_usage is not None:
            self._on_usage(usage)


def chat_messages(history: Sequence[HistoryItem]) -> list[ChatMessage]:
    """The history as Chat Completions messages. Tool calls made together share one assistant message,
    followed by their outputs; a call without an output or an output without its call is left out,
    because the API refuses either. A user message that carries its recording goes as an `input_audio` part."""
    outputs = {turn.call_id: turn.output for turn in history if isinstance(turn, ToolOutput)}
    messages: list[ChatMessage] = []
    calling: ChatMessage | None = None  # the assistant message whose parallel calls are being listed
    for turn in history:
        if isinstance(turn, Message):
            messages.append({"role": turn.role, "content": _content(turn)})
            calling = None
        elif isinstance(turn, ToolOutput):
            calling = None  # a call after an output belongs to the next model step
        elif turn.call_id in outputs:
            if calling is None:
                calling = _assistant_for_calls(messages)
            calling["tool_calls"].append({"id": turn.call_id, "type": "function",
                                          "function": {"name": turn.name, "arguments": turn.arguments or "{}"}})
            messages.append({"role": "tool", "tool_call_id": turn.call_id, "content": outputs[turn.call_id]})
    return messages


def _content(message: Message) -> Any:
    if message.audio is not None:
        return [{"type": "input_audio", "input_audio": {"data": base64.b64encode(message.audio).decode("ascii"),
                                                        "format": "wav"}}]
    silent = message.role == "user" and not message.text.strip()
    return SILENT_USER if silent else message.text


def _assistant_for_calls(messages: list[ChatMessage]) -> ChatMessage:
    last = messages[-1] if messages else None
    if last is not None and last["role"] == "assistant" and "tool_calls" not in last:
        last["tool_calls"] = []  # the text the model said before calling
        return last
    message: ChatMessage = {"role": "assistant", "content": None, "tool_calls": []}
    messages.append(message)
    return message


def trim_history(messages: list[ChatMessage], budget: int) -> list[ChatMessage]:
    """The newest messages that fit in `budget` tokens (at least the newest one), never separating tool
    calls from their outputs."""
    kept: list[list[ChatMessage]] = []
    used = 0
    for block in reversed(_blocks(messages)):
        cost = sum(map(message_tokens, block))
        if kept and used + cost > budget:
            break
        kept.append(block)
        used += cost
    return [message for block in reversed(kept) for message in block]


def _blocks(messages: list[ChatMessage]) -> list[list[ChatMessage]]:
    blocks: list[list[ChatMessage]] = []
    for message in messages:
        if message["role"] == "tool" and blocks:
            blocks[-1].append(message)
        else:
            blocks.append([message])
    return blocks


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text.encode()) / BYTES_PER_TOKEN)


def message_tokens(message: ChatMessage) -> int:
    calls = message.get("tool_calls") or ()
    content = message.get("content")
    parts = [content if isinstance(content, str) else "",
             *(c["function"]["name"] + c["function"]["arguments"] for c in calls)]
    return MESSAGE_OVERHEAD_TOKENS + sum(map(estimate_tokens, parts))


def chat_tool_choice(choice: ToolChoice, tools: Sequence[ToolSpec]) -> str | dict[str, Any]:
    if choice in ("auto", "none", "required"):
        return choice
    if not any(spec.name == choice for spec in tools):
        raise EngineError(f"tool_choice names {choice!r}, which is not one of the tools", "invalid_tool_choice")
    return {"type": "function", "function": {"name": choice}}


@dataclass
class _CallParts:
    call_id: str = ""
    name: str = ""
    arguments: str = ""


class _ToolCallParts:
    """Tool-call fragments gathered by their index, as they stream in."""

    def __init__(self) -> None:
        self._calls: dict[int, _CallParts] = {}

    def add(self, position: int, part: ChoiceDeltaToolCall) -> None:
        index = part.index if part.index is not None else position  # some servers leave the index out
        call = self._calls.setdefault(index, _CallParts())
        call.call_id = part.id or call.call_id
        if part.function is not None:
            call.name = part.function.name or call.name
            call.arguments += part.function.arguments or ""

    def requests(self) -> list[ToolCallRequest]:
        requests = []
        for index in sorted(self._calls):
            call = self._calls[index]
            if not call.name:
                raise EngineError("the model sent a tool call without a function name", "llm_error")
            requests.append(ToolCallRequest(call.call_id or new_call_id(), call.name, call.arguments or "{}"))
        return requests
