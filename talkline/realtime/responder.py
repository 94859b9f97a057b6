"""One Realtime response: pipeline events in, the protocol's paired `*.added` / `*.done` events out.

The shape of the code follows the protocol's: an output item is an async context manager that
emits its `added` events on entry and its `done` events on exit, so a cancelled or failed
response still closes every item it opened, in order, before `response.done`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from talkline.agent.history import HistoryItem
from talkline.agent.tools import ToolLedger, ToolSpec
from talkline.audio.echo import EchoDetector
from talkline.audio.resample import RateMatcher
from talkline.audio.wire_formats import OutputFramer, WireFormat, decode_wire
from talkline.metrics import RESPONSES, observe_timings
from talkline.pipeline import Pipeline, Turn, TurnOptions
from talkline.pipeline.events import (
    AudioOut,
    PipelineEvent,
    ResponseEnd,
    SpeechOut,
    TextOut,
    ToolCallOut,
    ToolResultOut,
)
from talkline.pipeline.speculation import Speculation
from talkline.profiles.base import Profile
from talkline.protocol.realtime.client_events import encode_base64_audio
from talkline.protocol.realtime.items import (
    AssistantMessage,
    ConversationItem,
    FunctionCall,
    FunctionCallOutput,
    OutputAudio,
    OutputText,
)
from talkline.protocol.realtime.server_events import (
    ConversationItemAddedEvent,
    ConversationItemDoneEvent,
    InputTokenDetails,
    OutputTokenDetails,
    RateLimit,
    RateLimitsUpdatedEvent,
    RealtimeResponse,
    ResponseAudio,
    ResponseAudioOutput,
    ResponseAudioPart,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseDoneEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseOutputAudioDeltaEvent,
    ResponseOutputAudioDoneEvent,
    ResponseOutputAudioTranscriptDeltaEvent,
    ResponseOutputAudioTranscriptDoneEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputTextDeltaEvent,
    ResponseOutputTextDoneEvent,
    ResponseTextPart,
    StatusDetails,
    StatusError,
    Usage,
)
from talkline.realtime.conversation import Conversation
from talkline.realtime.playback import PlaybackClock

log = logging.getLogger(__name__)

Send = Callable[[Any], Awaitable[None]]
ARGUMENT_DELTA_CHARS = 64
AUDIO_FRAME_MS = 100


@dataclass(frozen=True)
class ResponsePlan:
    """What one response does, after session defaults, per-response overrides and locks are applied."""

    modality: Literal["audio", "text"]
    instructions: str
    voice: str
    output_format: WireFormat
    client_tools: Sequence[ToolSpec]
    tool_choice: str
    max_output_tokens: int | None
    metadata: dict[str, str] | None = None
    out_of_band: bool = False
    input_items: list[ConversationItem] | None = None  # explicit context instead of the conversation
    language: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ResponseServices:
    """What a response needs from its session."""

    send: Send
    conversation: Conversation
    pipeline: Pipeline
    profile: Profile
    ledger: ToolLedger
    owner: str
    playback: PlaybackClock
    echo: EchoDetector
    wait_for_input: Callable[[], Awaitable[None]]  # transcripts of committed user audio
    audio_lead_ms: float = 1500.0  # audio is paced to stay at most this far ahead of playback
    note_item: Callable[[str], None] = lambda item_id: None  # an output item began (for the call's transcript)


def turn_options(plan: ResponsePlan, owner: str, *, speech_ended_at: float | None = None,
                 committed_at: float | None = None) -> TurnOptions:
    return TurnOptions(instructions=plan.instructions, speak=plan.modality == "audio", voice=plan.voice,
                       language=plan.language, client_tools=plan.client_tools, tool_choice=plan.tool_choice,
                       max_output_tokens=plan.max_output_tokens, options=plan.options, owner=owner,
                       speech_ended_at=speech_ended_at, committed_at=committed_at)


class Responder:
    """One response: a Turn of the session's profile over the conversation, its events sent as the protocol's.
    Given a speculation (a reply prepared at the user's pause), the response is that reply if it answers
    exactly this conversation, else a fresh turn."""

    def __init__(self, plan: ResponsePlan, services: ResponseServices, *, speech_ended_at: float | None = None,
                 committed_at: float | None = None, speculation: Speculation | None = None) -> None:
        self.plan = plan
        self.services = services
        self._options = turn_options(plan, services.owner, speech_ended_at=speech_ended_at,
                                     committed_at=committed_at)
        self.turn = Turn(services.pipeline, services.profile, self._history, options=self._options,
                         ledger=services.ledger)
        self._speculation = speculation
        self.response = RealtimeResponse(
            status="in_progress",
            conversation_id=None if plan.out_of_band else services.conversation.id,
            output_modalities=[plan.modality],
            max_output_tokens=plan.max_output_tokens or "inf",
            audio=ResponseAudio(output=ResponseAudioOutput(format=plan.output_format.to_ga(), voice=plan.voice)),
            metadata=plan.metadata,
        )
        self.cancel_reason: Literal["turn_detected", "client_cancelled"] = "client_cancelled"
        self._task: asyncio.Task[None] | None = None
        self._items = AsyncExitStack()
        self._message: _MessageOutput | None = None

    @property
    def id(self) -> str:
        return self.response.id

    def start(self) -> asyncio.Task[None]:
        self._task = asyncio.create_task(self._run(), name=f"response:{self.id}")
        return self._task

    @property
    def done(self) -> bool:
        return self._task is None or self._task.done()

    async def cancel(self, reason: Literal["turn_detected", "client_cancelled"]) -> None:
        """Stop at once; returns after `response.done` (status cancelled) has been sent."""
        self.cancel_reason = reason
        if self._task and not self._task.done():
            self._task.cancel()
            await asyncio.wait({self._task})

    async def wait(self) -> None:
        if self._task:
            await asyncio.wait({self._task})

    async def _run(self) -> None:
        send = self.services.send
        await send(ResponseCreatedEvent(response=self.response.model_copy(deep=True)))
        try:
            end = await self._produce()
            self._finish("incomplete" if end.stop_reason == "max_output_tokens" else "completed",
                         "max_output_tokens" if end.stop_reason == "max_output_tokens" else None)
            self._set_usage(end)
        except asyncio.CancelledError:
            self._finish("cancelled", self.cancel_reason)
        except Exception as exc:
            log.exception("response %s failed", self.id)
            self.response.status = "failed"
            self.response.status_details = StatusDetails(
                type="failed", error=StatusError(type="server_error", code=getattr(exc, "code", "server_error"),
                                                 message=str(exc) or exc.__class__.__name__))
        finally:
            await self._close_items()
        RESPONSES.labels(surface="realtime", status=self.response.status).inc()
        self.response.timings = self.turn.timings.durations_ms() or None
        if self.response.status == "completed":
            observe_timings("realtime", self.response.timings or {})
        await send(ResponseDoneEvent(response=self.response))
        await send(RateLimitsUpdatedEvent(rate_limits=[RateLimit(name="tokens", limit=0, remaining=0,
                                                                 reset_seconds=0.0)]))

    async def _history(self) -> list[HistoryItem]:
        """The conversation once the transcripts of committed user audio are in."""
        await self.services.wait_for_input()
        return self.services.conversation.history(self.plan.input_items)

    async def _produce(self) -> ResponseEnd:
        try:
            await self._claim_speculation()
            async for event in self.turn:
                if isinstance(event, ResponseEnd):
                    return event
                await self._on(event)
        finally:
            await self.turn.aclose()
            if self._speculation is not None:
                await self._speculation.discard()  # cancelled before it could be claimed
        raise RuntimeError("the turn ended without a result")

    async def _claim_speculation(self) -> None:
        """Once the user's words are in: the prepared reply, if it answers exactly this conversation."""
        if self._speculation is None:
            return
        history = await self._history()
        prepared = await self._speculation.claim(history, self._options)
        if prepared is None:
            self.turn = Turn(self.services.pipeline, self.services.profile, history, options=self._options,
                             ledger=self.services.ledger)
            return
        prepared.release(speech_ended_at=self._options.speech_ended_at, committed_at=self._options.committed_at)
        self.turn = prepared

    async def _on(self, event: PipelineEvent) -> None:
        if isinstance(event, TextOut) and self.plan.modality == "text":
            await (await self._open_message()).text(event.text)
        elif isinstance(event, SpeechOut):
            await (await self._open_message()).transcript(event.text)
        elif isinstance(event, AudioOut):
            await (await self._open_message()).audio(event)
        elif isinstance(event, ToolCallOut):
            await self._close_items()
            await self._function_call(event)
        elif isinstance(event, ToolResultOut):
            if not self.plan.out_of_band:
                await self._add_to_conversation(FunctionCallOutput(call_id=event.result.call_id,
                                                                   output=event.result.output))

    async def _open_message(self) -> _MessageOutput:
        if self._message is None:
            self._message = await self._items.enter_async_context(_MessageOutput(self))
        return self._message

    async def _close_items(self) -> None:
        if self._message is not None and self.response.status != "in_progress":
            self._message.status = "completed" if self.response.status == "completed" else "incomplete"
        await self._items.aclose()
        self._items, self._message = AsyncExitStack(), None

    async def _function_call(self, call: ToolCallOut) -> None:
        item = FunctionCall(call_id=call.call_id, name=call.name, arguments="", status="in_progress")
        async with self.output_item(item) as index:
            for start in range(0, len(call.arguments), ARGUMENT_DELTA_CHARS):
                await self.services.send(ResponseFunctionCallArgumentsDeltaEvent(
                    response_id=self.id, item_id=item.id, output_index=index, call_id=call.call_id,
                    delta=call.arguments[start:start + ARGUMENT_DELTA_CHARS]))
            item.arguments = call.arguments
            await self.services.send(ResponseFunctionCallArgumentsDoneEvent(
                response_id=self.id, item_id=item.id, output_index=index, call_id=call.call_id,
                name=call.name, arguments=call.arguments))
            item.status = "completed"

    @asynccontextmanager
    async def output_item(self, item: AssistantMessage | FunctionCall) -> AsyncIterator[int]:
        """`response.output_item.added` (+ `conversation.item.added`) … `.done` (+ `conversation.item.done`)."""
        index = len(self.response.output)
        self.response.output.append(item)
        self.services.note_item(item.id)
        send = self.services.send
        await send(ResponseOutputItemAddedEvent(response_id=self.id, output_index=index,
                                                item=item.model_copy(deep=True)))
        previous = None
        if not self.plan.out_of_band:
            previous = self.services.conversation.add(item)
            await send(ConversationItemAddedEvent(previous_item_id=previous, item=item.model_copy(deep=True)))
        try:
            yield index
        finally:
            if item.status == "in_progress":
                item.status = "incomplete"
            await send(ResponseOutputItemDoneEvent(response_id=self.id, output_index=index, item=item))
            if not self.plan.out_of_band:
                await send(ConversationItemDoneEvent(previous_item_id=previous, item=item))

    async def _add_to_conversation(self, item: ConversationItem) -> None:
        previous = self.services.conversation.add(item)
        await self.services.send(ConversationItemAddedEvent(previous_item_id=previous, item=item))
        await self.services.send(ConversationItemDoneEvent(previous_item_id=previous, item=item))

    def _finish(self, status: Literal["completed", "incomplete", "cancelled"], reason: Any) -> None:
        self.response.status = status
        self.response.status_details = None if status == "completed" else StatusDetails(type=status, reason=reason)

    def _set_usage(self, end: ResponseEnd) -> None:
        usage = end.usage
        self.response.usage = Usage(
            total_tokens=usage.total_tokens, input_tokens=usage.input_tokens, output_tokens=usage.output_tokens,
            input_token_details=InputTokenDetails(text_tokens=usage.input_text_tokens,
                                                  audio_tokens=usage.input_audio_tokens),
            output_token_details=OutputTokenDetails(text_tokens=usage.output_text_tokens,
                                                    audio_tokens=usage.output_audio_tokens))


class _MessageOutput:
    """The assistant message of a response and its one content part (audio with transcript, or text)."""

    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self.plan = responder.plan
        self.audio_mode = self.plan.modality == "audio"
        part = OutputAudio(transcript="") if self.audio_mode else OutputText(text="")
        self.item = AssistantMessage(content=[part], status="in_progress")
        self.status: Literal["completed", "incomplete"] = "completed"
        self.index = 0
        self._text = ""
        self._pushed_ms = 0.0
        self._framer = OutputFramer(self.plan.output_format, AUDIO_FRAME_MS)
        self._to16k = RateMatcher(16000)
        self._item_context = responder.output_item(self.item)
        self._spoken = (responder.services.conversation.spoken(self.item.id, self.plan.output_format.bytes_per_ms)
                        if self.audio_mode else None)

    async def __aenter__(self) -> _MessageOutput:
        self.index = await self._item_context.__aenter__()
        await self._send(ResponseContentPartAddedEvent, part=self._part())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            if self.audio_mode:
                if self.status == "completed":
                    for frame in self._framer.flush():
                        await self._send_frame(frame)
                await self._send(ResponseOutputAudioDoneEvent)
                await self._send(ResponseOutputAudioTranscriptDoneEvent, transcript=self._text)
            else:
                await self._send(ResponseOutputTextDoneEvent, text=self._text)
            await self._send(ResponseContentPartDoneEvent, part=self._part())
            self.item.status = self.status
        finally:
            await self._item_context.__aexit__(None, None, None)

    async def text(self, delta: str) -> None:
        self._text += delta
        self.item.content[0].text = self._text  # type: ignore[union-attr]
        await self._send(ResponseOutputTextDeltaEvent, delta=delta)

    async def transcript(self, delta: str) -> None:
        if self._spoken is not None:
            self._spoken.pieces.append((self._pushed_ms, delta))
        self._text += delta
        self.item.content[0].transcript = self._text  # type: ignore[union-attr]
        await self._send(ResponseOutputAudioTranscriptDeltaEvent, delta=delta)

    async def audio(self, event: AudioOut) -> None:
        self._pushed_ms += event.pcm.duration_ms
        for frame in self._framer.push(event.pcm):
            await self._send_frame(frame)

    async def _send_frame(self, frame: bytes) -> None:
        """Audio runs ahead of playback by at most the lead, so a barge-in still finds the response running."""
        services = self.responder.services
        ahead_ms = services.playback.remaining_ms - services.audio_lead_ms
        if ahead_ms > 0:
            await asyncio.sleep(ahead_ms / 1000)
        await self._send(ResponseOutputAudioDeltaEvent, delta=encode_base64_audio(frame))
        if self._spoken is not None:
            self._spoken.data += frame
        duration = self.plan.output_format.duration_ms(len(frame))
        services.playback.queue(duration)
        services.echo.reference(self._echo_reference(frame))

    def _echo_reference(self, frame: bytes) -> bytes:
        return self._to16k.push(decode_wire(self.plan.output_format, frame)).data

    def _part(self) -> ResponseAudioPart | ResponseTextPart:
        return ResponseAudioPart(transcript=self._text) if self.audio_mode else ResponseTextPart(text=self._text)

    async def _send(self, event_type: type, **fields: Any) -> None:
        await self.responder.services.send(event_type(response_id=self.responder.id, item_id=self.item.id,
                                                      output_index=self.index, content_index=0, **fields))
