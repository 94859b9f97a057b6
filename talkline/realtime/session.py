"""One Realtime session: its state and the operations its event handlers share.

Handlers (realtime/handlers.py) are small; what they have in common lives here: sending events in
the client's dialect, committing user turns, starting and cancelling responses, reacting to turns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from talkline.agent.tools import ToolLedger, ToolSpec
from talkline.audio import Pcm
from talkline.audio.echo import EchoDetector
from talkline.audio.wire_formats import WireFormat
from talkline.auth.identity import Caller
from talkline.engines.base import EndOfTurnModel, Transcription, VoiceActivityDetector
from talkline.limits import TextLimits, TextTooLong
from talkline.metrics import BARGE_INS, ERRORS
from talkline.pipeline import Pipeline
from talkline.pipeline.speculation import Speculation
from talkline.profiles.base import Profile
from talkline.protocol.realtime import ProtocolError, dump, ga_server_to_beta, new_id, parse_client_event
from talkline.protocol.realtime.client_events import ResponseParams
from talkline.protocol.realtime.errors import (
    CONVERSATION_ALREADY_HAS_ACTIVE_RESPONSE,
    FRAME_TOO_LARGE,
    SERVER_ERROR,
    SERVER_ERROR_CODE,
    error_event,
)
from talkline.protocol.realtime.items import (
    ConversationItem,
    InputAudio,
    ItemReference,
    SystemMessage,
    UserMessage,
)
from talkline.protocol.realtime.server_events import (
    ConversationItemAddedEvent,
    ConversationItemDoneEvent,
    InputAudioBufferCommittedEvent,
    InputAudioBufferSpeechStartedEvent,
    InputAudioBufferSpeechStoppedEvent,
    InputAudioBufferTimeoutTriggeredEvent,
    InputAudioTranscriptionCompletedEvent,
    InputAudioTranscriptionDeltaEvent,
    InputAudioTranscriptionFailedEvent,
    SessionCreatedEvent,
    TranscriptionDurationUsage,
    TranscriptionError,
)
from talkline.protocol.realtime.session import ServerVad, Session, merge_session
from talkline.realtime.conversation import Conversation
from talkline.realtime.event_router import EventRouter
from talkline.realtime.listener import Listener, Utterance
from talkline.realtime.locks import SessionLocks
from talkline.realtime.playback import PlaybackClock
from talkline.realtime.recorder import CallRecorder
from talkline.realtime.responder import Responder, ResponsePlan, ResponseServices, turn_options
from talkline.realtime.transport import ClientGone, Transport
from talkline.realtime.turn_taking import (
    Backchannel,
    Paused,
    Resumed,
    SemanticSettings,
    SpeechStarted,
    SpeechStopped,
    TurnEvent,
    VadSettings,
)
from talkline.settings import Settings
from talkline.store import Store

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 24 * 1024 * 1024  # a 15 MiB append is 20 MiB of base64
# semantic_vad: how finished a pause must sound to end the turn at once, and the longest wait for
# one that does not (OpenAI's limits: 8 / 4 / 2 s); without the end-of-turn model, a fixed silence
SEMANTIC_EAGERNESS = {
    "low": SemanticSettings(finished_probability=0.7, max_wait_ms=8000),
    "medium": SemanticSettings(finished_probability=0.5, max_wait_ms=4000),
    "auto": SemanticSettings(finished_probability=0.5, max_wait_ms=4000),
    "high": SemanticSettings(finished_probability=0.3, max_wait_ms=2000),
}
SEMANTIC_SILENCE_MS = {"low": 1000, "medium": 600, "auto": 600, "high": 300}


@dataclass(frozen=True)
class RealtimeServices:
    """Process-wide parts every session shares."""

    settings: Settings
    pipeline: Pipeline
    vad: VoiceActivityDetector
    store: Store | None = None  # where call transcripts go
    turn_model: EndOfTurnModel | None = None  # judges pauses for semantic_vad (optional model)


@dataclass
class SessionState:
    active: Responder | None = None  # the response in the default conversation
    out_of_band: set[Responder] = field(default_factory=set)
    pending_transcripts: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    next_user_item_id: str = field(default_factory=lambda: new_id("item"))
    speculation: Speculation | None = None  # the reply being prepared at the user's pause
    last_activity: float = field(default_factory=time.monotonic)


class RealtimeSession:
    def __init__(self, transport: Transport, services: RealtimeServices, profile: Profile, caller: Caller,
                 *, beta: bool, router: EventRouter, options: dict[str, Any] | None = None,
                 speculate: bool | None = None) -> None:
        self.transport = transport
        self.services = services
        self.profile = profile
        self.caller = caller
        self.beta = beta
        self.router = router
        self.options = {**profile.options, **(options or {})}
        self.speculate = services.settings.speculative_replies if speculate is None else speculate
        self.config = initial_session(profile, services.settings, caller)
        self.locks = SessionLocks.for_caller(caller)
        self.limits = TextLimits.of(services.settings)
        self.conversation = Conversation()
        self.playback = PlaybackClock()
        self.echo = EchoDetector()
        self.ledger = ToolLedger()
        self.recorder = CallRecorder()
        self.state = SessionState()
        self.listener = Listener(services.vad.stream(), self._transcribe, self.echo, self._assistant_audible,
                                 early=services.settings.early_transcription, turn_model=services.turn_model)
        self._send_lock = asyncio.Lock()
        self._closed = False
        self._tasks: set[asyncio.Task[Any]] = set()
        self.configure_input()

    # ── lifecycle ───────────────────────────────────────────────────────────────────────────────

    async def run(self) -> None:
        await self.send(SessionCreatedEvent(session=self.config))
        self.spawn(self._watch_idle(), "idle")
        self.spawn(self._expire(), "expiry")
        try:
            while (frame := await self.transport.receive()) is not None:
                await self.handle_frame(frame)
        finally:
            await self.close()

    async def handle_frame(self, frame: str | bytes) -> None:
        event_id = None
        try:
            if len(frame) > MAX_FRAME_BYTES:
                raise ProtocolError(FRAME_TOO_LARGE, f"frame of {len(frame)} bytes exceeds the limit of "
                                    f"{MAX_FRAME_BYTES} bytes; send audio in smaller appends")
            event = parse_client_event(frame, beta=self.beta)
            event_id = event.event_id
            await self.router.dispatch(self, event)
        except ProtocolError as exc:
            await self.send_error(exc.with_event_id(event_id))
        except ClientGone:
            self._closed = True
        except Exception:
            log.exception("handling a client event failed")
            await self.send_error(ProtocolError(SERVER_ERROR_CODE, "the server failed to handle this event",
                                                event_id=event_id, type=SERVER_ERROR))

    async def close(self) -> None:
        self._closed = True
        responders = [r for r in (self.state.active, *self.state.out_of_band) if r is not None]
        for responder in responders:
            await responder.cancel("client_cancelled")
        await self.drop_speculation("unused")
        for task in list(self._tasks) + list(self.state.pending_transcripts.values()):
            task.cancel()
        self.listener.close()
        await self.ledger.close()
        if self.services.store is not None:
            await self.recorder.save(self.services.store, owner=self.caller.owner, profile=self.profile.name,
                                     conversation=self.conversation, session_id=self.config.id,
                                     options=self.options, finish=self.profile.finish_call)

    def spawn(self, coroutine: Any, name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # ── sending ─────────────────────────────────────────────────────────────────────────────────

    async def send(self, event: Any) -> None:
        frame: dict[str, Any] | None = dump(event)
        if self.beta and frame is not None:
            frame = ga_server_to_beta(frame)
        if frame is None or self._closed:
            return
        async with self._send_lock:
            try:
                await self.transport.send(frame)
            except ClientGone:
                self._closed = True

    async def send_error(self, error: ProtocolError) -> None:
        ERRORS.labels(surface="realtime", code=error.code).inc()
        await self.send(error_event(error.code, error.message, param=error.param, event_id=error.event_id,
                                    type=error.type))

    # ── bounds ──────────────────────────────────────────────────────────────────────────────────

    def check_text(self, text: str | None, param: str, *, instructions: bool = False) -> None:
        """Text over its bound (README, "Limits and guarantees") is refused with a typed error."""
        try:
            if instructions:
                self.limits.check_instructions(text, param)
            else:
                self.limits.check_message(text, param)
        except TextTooLong as exc:
            raise ProtocolError(exc.code, exc.message, param=exc.param) from None

    def check_item(self, item: Any, param: str) -> None:
        """A conversation item's text parts; system content in a session whose instructions a client secret
        fixed is refused, as `session.update` of the instructions is."""
        if isinstance(item, SystemMessage):
            self.locks.check_system_content(f"{param}.role")
        for index, part in enumerate(getattr(item, "content", None) or ()):
            self.check_text(getattr(part, "text", None) or getattr(part, "transcript", None),
                            f"{param}.content[{index}]", instructions=isinstance(item, SystemMessage))
        for name in ("arguments", "output"):
            self.check_text(getattr(item, name, None), f"{param}.{name}")

    # ── configuration ───────────────────────────────────────────────────────────────────────────

    def configure_input(self) -> None:
        audio_in = self.config.audio.input
        self.listener.configure(WireFormat.parse(audio_in.format.model_dump()), vad_settings(
            audio_in.turn_detection, self.services.settings, semantic=self.services.turn_model is not None))

    @property
    def output_format(self) -> WireFormat:
        return WireFormat.parse(self.config.audio.output.format.model_dump())

    @property
    def language(self) -> str | None:
        transcription = self.config.audio.input.transcription
        return (transcription.language if transcription and transcription.language else None) or self.profile.language

    # ── user turns ──────────────────────────────────────────────────────────────────────────────

    async def on_turn_events(self, events: list[TurnEvent]) -> None:
        for event in events:
            if isinstance(event, SpeechStarted):
                await self._speech_started(event)
            elif isinstance(event, SpeechStopped):
                await self._speech_stopped(event)
            elif isinstance(event, Paused):
                await self._speculate()
            elif isinstance(event, Resumed):
                await self.drop_speculation("resumed")
            elif isinstance(event, Backchannel):
                BARGE_INS.labels(outcome="echo" if event.echo else "backchannel").inc()

    async def _speech_started(self, event: SpeechStarted) -> None:
        self.state.last_activity = time.monotonic()
        await self.send(InputAudioBufferSpeechStartedEvent(audio_start_ms=int(event.start_ms),
                                                           item_id=self.state.next_user_item_id))
        turn_detection = self.config.audio.input.turn_detection
        if turn_detection is None or not turn_detection.interrupt_response:
            return
        if event.barge_in:
            BARGE_INS.labels(outcome="interrupted").inc()
        active = self.state.active
        if active is not None and not active.done:
            await active.cancel("turn_detected")
        self.playback.stop()
        self.echo.interrupt()

    async def _speech_stopped(self, event: SpeechStopped) -> None:
        self.state.last_activity = time.monotonic()
        committed_at = time.monotonic()
        speech_ended_at = committed_at - (self.listener.now_ms - event.end_ms) / 1000
        await self.send(InputAudioBufferSpeechStoppedEvent(audio_end_ms=int(event.end_ms),
                                                           item_id=self.state.next_user_item_id))
        await self.commit(self.listener.take(event.start_ms, event.audio_end_ms))
        speculation, self.state.speculation = self.state.speculation, None
        if self._answers_turns():
            await self.start_response(None, speech_ended_at=speech_ended_at, committed_at=committed_at,
                                      queue_if_busy=True, speculation=speculation)
        elif speculation is not None:
            await speculation.discard()

    def _answers_turns(self) -> bool:
        turn_detection = self.config.audio.input.turn_detection
        return turn_detection is not None and turn_detection.create_response and self.config.type == "realtime"

    async def _speculate(self) -> None:
        """The user paused: prepare the reply to what they said so far (pipeline/speculation.py), if the
        reply would start at commit on the conversation as it is now."""
        await self.drop_speculation("resumed")
        transcript = self.listener.early_transcript
        active = self.state.active
        if (not self.speculate or transcript is None or not self._answers_turns() or self.state.pending_transcripts
                or (active is not None and not active.done)):
            return
        try:
            plan = self.plan_response(None)
        except ProtocolError:
            return
        self.state.speculation = Speculation(self.services.pipeline, self.profile, self.conversation.history(),
                                             transcript, turn_options(plan, self.caller.owner), self.ledger)

    async def drop_speculation(self, outcome: Literal["resumed", "changed", "unused"]) -> None:
        speculation, self.state.speculation = self.state.speculation, None
        if speculation is not None:
            await speculation.discard(outcome)

    async def commit(self, utterance: Utterance) -> None:
        """The user's audio becomes a conversation item; its transcript follows when ready."""
        item = UserMessage(id=self.state.next_user_item_id, content=[InputAudio(transcript=None)])
        self.state.next_user_item_id = new_id("item")
        previous = self.conversation.add(item)
        self.conversation.attach_user_audio(item.id, utterance.audio)
        self.recorder.span(item.id, utterance.start_ms / 1000, utterance.end_ms / 1000)
        await self.send(InputAudioBufferCommittedEvent(previous_item_id=previous, item_id=item.id))
        await self.send(ConversationItemAddedEvent(previous_item_id=previous, item=item))
        await self.send(ConversationItemDoneEvent(previous_item_id=previous, item=item))
        self.track_transcript(item, utterance.transcript, utterance.audio)

    def track_transcript(self, item: UserMessage, transcript: asyncio.Task[Transcription], audio: Pcm) -> None:
        task = asyncio.create_task(self._finish_transcript(item, transcript, audio))
        self.state.pending_transcripts[item.id] = task
        task.add_done_callback(lambda _: self.state.pending_transcripts.pop(item.id, None))

    async def _finish_transcript(self, item: UserMessage, task: asyncio.Task[Transcription], audio: Pcm) -> None:
        part = next(p for p in item.content if isinstance(p, InputAudio))
        reporting = self.config.audio.input.transcription is not None
        try:
            transcription = await task
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("transcription of %s failed: %s", item.id, exc)
            part.transcript = ""
            if reporting:
                await self.send(InputAudioTranscriptionFailedEvent(item_id=item.id, error=TranscriptionError(
                    type="server_error", code=getattr(exc, "code", "transcription_failed"), message=str(exc))))
            return
        part.transcript = transcription.text
        if reporting:
            if transcription.text:
                await self.send(InputAudioTranscriptionDeltaEvent(item_id=item.id, delta=transcription.text))
            await self.send(InputAudioTranscriptionCompletedEvent(
                item_id=item.id, transcript=transcription.text,
                usage=TranscriptionDurationUsage(seconds=round(audio.duration_ms / 1000, 3))))

    async def _transcribe(self, audio: Pcm) -> Transcription:
        transcription = self.config.audio.input.transcription
        return await self.services.pipeline.transcribe(audio, language=self.language,
                                                       prompt=transcription.prompt if transcription else None)

    async def wait_for_transcripts(self) -> None:
        pending = list(self.state.pending_transcripts.values())
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    # ── responses ───────────────────────────────────────────────────────────────────────────────

    async def start_response(self, params: ResponseParams | None, *, speech_ended_at: float | None = None,
                             committed_at: float | None = None, queue_if_busy: bool = False,
                             speculation: Speculation | None = None) -> None:
        try:
            plan = self.plan_response(params)
        except ProtocolError:
            if speculation is not None:
                await speculation.discard("changed")
            raise
        active = self.state.active
        if not plan.out_of_band and active is not None and not active.done:
            if not queue_if_busy:
                raise ProtocolError(CONVERSATION_ALREADY_HAS_ACTIVE_RESPONSE,
                                    f"Conversation already has an active response in progress: {active.id}. "
                                    "Wait until the response is finished before creating a new one.")
            await active.wait()
        responder = Responder(plan, self._response_services(), speech_ended_at=speech_ended_at,
                              committed_at=committed_at if committed_at is not None else time.monotonic(),
                              speculation=speculation)
        if plan.out_of_band:
            self.state.out_of_band.add(responder)
            responder.start().add_done_callback(lambda _: self.state.out_of_band.discard(responder))
        else:
            self.state.active = responder
            responder.start().add_done_callback(self._response_finished)

    def _response_finished(self, _: asyncio.Task[None]) -> None:
        self.state.last_activity = time.monotonic()

    def plan_response(self, params: ResponseParams | None) -> ResponsePlan:
        params = params or ResponseParams()
        self.locks.check_response(params)
        config = self.config
        modality = (params.output_modalities or config.output_modalities)[0]
        audio_out = params.audio.output if params.audio and params.audio.output else None
        voice = (audio_out.voice if audio_out and audio_out.voice else None) or config.audio.output.voice
        fmt = audio_out.format if audio_out and audio_out.format else config.audio.output.format
        tools = params.tools if params.tools is not None else config.tools
        choice = params.tool_choice if params.tool_choice is not None else config.tool_choice
        max_tokens = params.max_output_tokens if params.max_output_tokens is not None else config.max_output_tokens
        return ResponsePlan(
            modality=modality,
            instructions=params.instructions if params.instructions is not None else config.instructions,
            voice=voice if isinstance(voice, str) else voice.id,
            output_format=WireFormat.parse(fmt.model_dump()),
            client_tools=[ToolSpec(t.name, t.description, t.parameters) for t in tools],
            tool_choice=choice if isinstance(choice, str) else choice.name,
            max_output_tokens=None if max_tokens == "inf" else int(max_tokens),
            metadata=params.metadata,
            out_of_band=params.conversation == "none",
            input_items=self._resolve_input(params.input) if params.input is not None else None,
            language=self.language,
            options=self.options,
        )

    def _resolve_input(self, items: list[Any]) -> list[ConversationItem]:
        resolved: list[ConversationItem] = []
        for index, item in enumerate(items):
            if isinstance(item, ItemReference):
                resolved.append(self.conversation.get(item.id, param=f"response.input[{index}].id"))
            else:
                resolved.append(item)
        return resolved

    def _response_services(self) -> ResponseServices:
        return ResponseServices(
            send=self.send, conversation=self.conversation, pipeline=self.services.pipeline, profile=self.profile,
            ledger=self.ledger, owner=self.caller.owner, playback=self.playback, echo=self.echo, wait_for_input=self.wait_for_transcripts,
            audio_lead_ms=self.services.settings.audio_lead_ms, note_item=self.recorder.began)

    def _assistant_audible(self) -> bool:
        active = self.state.active
        return (active is not None and not active.done) or self.playback.playing

    # ── timers ──────────────────────────────────────────────────────────────────────────────────

    async def _watch_idle(self) -> None:
        while not self._closed:
            await asyncio.sleep(0.1)
            timeout_ms = getattr(self.config.audio.input.turn_detection, "idle_timeout_ms", None)
            if not timeout_ms or self._assistant_audible() or self.listener.in_speech:
                continue
            quiet_since = max(self.state.last_activity, self.playback.ends_at)
            if self.state.pending_transcripts or time.monotonic() - quiet_since < timeout_ms / 1000:
                continue
            await self._idle_timeout(timeout_ms)

    async def _idle_timeout(self, timeout_ms: int) -> None:
        """The user stayed silent: an empty user turn, and the agent checks whether they are still there."""
        self.state.last_activity = time.monotonic()
        end = self.listener.now_ms
        start = max(self.listener.buffer.start_ms, end - timeout_ms)
        await self.send(InputAudioBufferTimeoutTriggeredEvent(audio_start_ms=int(start), audio_end_ms=int(end),
                                                              item_id=self.state.next_user_item_id))
        utterance = self.listener.take(start, end)
        utterance.transcript.cancel()
        utterance.transcript = asyncio.create_task(_silence(utterance.audio))
        await self.commit(utterance)
        await self.start_response(None, queue_if_busy=True)

    async def _expire(self) -> None:
        expires_at = self.config.expires_at or 0
        await asyncio.sleep(max(0.0, expires_at - time.time()))
        await self.send_error(ProtocolError("session_expired", "Your session hit the maximum duration of "
                                            f"{self.services.settings.session_max_seconds} seconds."))
        self._closed = True
        with contextlib.suppress(Exception):
            await self.transport.close(1000, "session expired")


async def _silence(audio: Pcm) -> Transcription:
    return Transcription(text="", language=None, duration_s=audio.duration_ms / 1000)


def vad_settings(turn_detection: Any, settings: Settings, *, semantic: bool = False) -> VadSettings | None:
    """The detector's settings for a session's `turn_detection`; `semantic`: the end-of-turn model is loaded."""
    if turn_detection is None:
        return None
    if isinstance(turn_detection, ServerVad):
        return VadSettings(threshold=turn_detection.threshold, prefix_padding_ms=turn_detection.prefix_padding_ms,
                           silence_duration_ms=turn_detection.silence_duration_ms,
                           interrupt_min_ms=(turn_detection.interrupt_min_speech_ms
                                             if turn_detection.interrupt_min_speech_ms is not None
                                             else settings.interrupt_min_speech_ms))
    return VadSettings(threshold=settings.vad_threshold, prefix_padding_ms=settings.vad_prefix_padding_ms,
                       silence_duration_ms=SEMANTIC_SILENCE_MS[turn_detection.eagerness],
                       interrupt_min_ms=settings.interrupt_min_speech_ms,
                       semantic=SEMANTIC_EAGERNESS[turn_detection.eagerness] if semantic else None)


def initial_session(profile: Profile, settings: Settings, caller: Caller) -> Session:
    """The profile's defaults, then what a client secret was minted with (which the client cannot widen)."""
    session = Session(type="realtime", model=profile.name, instructions=profile.instructions,
                      expires_at=int(time.time()) + settings.session_max_seconds)
    session.audio.output.voice = profile.voice
    session.audio.input.turn_detection = ServerVad(
        threshold=settings.vad_threshold, prefix_padding_ms=settings.vad_prefix_padding_ms,
        silence_duration_ms=settings.vad_silence_duration_ms)
    if caller.bound_session:
        bound = {k: v for k, v in caller.bound_session.items() if k not in ("id", "object", "expires_at", "model")}
        session = merge_session(session, {"type": session.type, **bound})
    return session

