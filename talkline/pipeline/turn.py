"""The Turn: one reply of a profile to the user, the same on every surface.

A turn takes the profile, the conversation so far, the user's input (text, recorded audio, or none when
the conversation already holds it) and the options of this reply. It hears the input (transcription),
asks the agent (cascade: the profile's agent, then TTS sentence by sentence; or a speech-to-speech
model that hears and speaks itself) through the one tool loop with the ledger, and emits the internal
events (talkline/pipeline/events.py) in order. Its stage timings are derived from those events by an
observer. Surfaces start turns and translate their events; none rebuilds a turn.

A turn runs in its own task. Started `held`, it prepares its reply ahead (runs the agent, speaks the
first piece, runs read-only tools outside the ledger) but shows nothing and does nothing else until
`release()`; `discard()` drops it without trace. That is the seam for speculative replies
(pipeline/speculation.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from talkline.agent.base import Agent, AgentRequest, ToolChoice
from talkline.agent.history import HistoryItem, Message
from talkline.agent.tools import ServerTool, ToolContext, ToolLedger, ToolResult, ToolSpec
from talkline.audio import Pcm
from talkline.audio.wav import read_wav
from talkline.engines.base import EngineError, SpeechToText, TextToSpeech, Transcription
from talkline.limits import TextLimits
from talkline.pipeline.events import AudioOut, InputReady, PipelineEvent, ResponseEnd, Transcribed
from talkline.pipeline.loop import ToolLoop
from talkline.pipeline.speakers import SentenceSpeaker, Silence, Speech, SpeechOptions, SpeechPieces
from talkline.pipeline.timings import TurnTimings
from talkline.profiles.base import Profile

log = logging.getLogger(__name__)

# the conversation before this turn: as it is, or once it is complete (pending transcripts of a live call)
History = Sequence[HistoryItem] | Callable[[], Awaitable[Sequence[HistoryItem]]]


@dataclass(frozen=True, slots=True)
class TextInput:
    text: str


@dataclass(frozen=True, slots=True)
class AudioInput:
    wav: bytes  # the recording, as a WAV file (a speech-to-speech model hears it as it is)

    def pcm(self) -> Pcm:
        return read_wav(self.wav)


TurnInput = TextInput | AudioInput


class TurnTimeout(EngineError):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"the reply took longer than its budget of {seconds:g} s and was stopped "
                         "(TALKLINE_TURN_MAX_SECONDS)", "turn_timeout")


class NoSpeech(EngineError):
    def __init__(self) -> None:
        super().__init__("no speech was recognised in the uploaded audio", "no_speech")


@dataclass(frozen=True)
class TurnOptions:
    """This reply's choices over the profile's defaults (None: the profile's)."""

    instructions: str | None = None
    speak: bool = True  # False: a text-only reply
    voice: str | None = None
    language: str | None = None  # the user's language, for transcription, the agent and speech
    client_tools: Sequence[ToolSpec] = ()  # tools the client runs; a call of one ends the reply
    tool_choice: ToolChoice = "auto"
    max_output_tokens: int | None = None
    options: Mapping[str, Any] = field(default_factory=dict)  # profile options (scenario, persona…)
    owner: str | None = None  # who asks (tools may scope what they read by it)
    speech_to_speech: bool = False  # answer on the profile's speech-to-speech model if it has one
    speech_ended_at: float | None = None  # monotonic time the user stopped speaking (timings start there)
    committed_at: float | None = None  # monotonic time the user's turn was committed


@dataclass(frozen=True)
class Pipeline:
    """The engines a profile's turns run on; `turn(...)` starts one."""

    stt: SpeechToText
    tts: TextToSpeech
    audio_model: Agent | None = None  # a speech-to-speech model (voice jobs of profiles that name one)
    limits: TextLimits = TextLimits()  # the text the agent is given (the newest part of a longer conversation)
    turn_max_seconds: float | None = None  # a turn's budget; past it the turn fails with `turn_timeout`

    async def transcribe(self, audio: Pcm, *, language: str | None = None, prompt: str | None = None
                         ) -> Transcription:
        return await self.stt.transcribe(audio, language=language, prompt=prompt)

    def turn(self, profile: Profile, history: History, input: TurnInput | None = None,
             options: TurnOptions | None = None, *, ledger: ToolLedger | None = None, held: bool = False) -> Turn:
        """A started turn (see `Turn.start` for `held`)."""
        return Turn(self, profile, history, input, options, ledger=ledger).start(held=held)


class _End:
    pass


class Turn:
    def __init__(self, engines: Pipeline, profile: Profile, history: History, input: TurnInput | None = None,
                 options: TurnOptions | None = None, *, ledger: ToolLedger | None = None) -> None:
        self.engines = engines
        self.profile = profile
        self.input = input
        self.options = options or TurnOptions()
        self.ledger = ledger or ToolLedger()
        self.timings = TurnTimings(speech_end=self.options.speech_ended_at, committed=self.options.committed_at)
        self._history = history
        self._out: asyncio.Queue[PipelineEvent | BaseException | _End] = asyncio.Queue()
        self._released = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.prepared_audio_ms = 0.0  # audio synthesised so far (what a discarded speculation threw away)

    # ── lifecycle ───────────────────────────────────────────────────────────────────────────────

    def start(self, *, held: bool = False) -> Turn:
        if self._task is not None:
            raise RuntimeError("a turn starts once")
        if not held:
            self._released.set()
        self._task = asyncio.create_task(self._produce(), name="turn")
        return self

    def release(self, *, speech_ended_at: float | None = None, committed_at: float | None = None) -> None:
        """A held turn's reply is wanted: its events flow, and it may run any tool. Its timings count from
        `speech_ended_at` / `committed_at` if given, and what it prepared ahead counts as reached now."""
        if not self._released.is_set():
            self.timings.released(speech_end=speech_ended_at, committed=committed_at)
        self._released.set()

    @property
    def released(self) -> bool:
        return self._released.is_set()

    async def discard(self) -> None:
        """Drop the turn (held or not) at once; nothing it prepared is shown."""
        await self.aclose()

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def __aiter__(self) -> AsyncIterator[PipelineEvent]:
        if self._task is None:
            self.start()
        await self._released.wait()
        while True:
            item = await self._out.get()
            if isinstance(item, _End):
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    # ── the reply ───────────────────────────────────────────────────────────────────────────────

    @property
    def speech_to_speech(self) -> bool:
        return self.options.speech_to_speech and self.engines.audio_model is not None

    @property
    def language(self) -> str | None:
        return self.options.language or self.profile.language

    async def _produce(self) -> None:
        speech = self._speech()
        budget = self.engines.turn_max_seconds
        timer = asyncio.timeout(budget)
        try:
            async with timer:
                end = await self._reply(speech)
            self._emit(end)
            self._out.put_nowait(_End())
        except asyncio.CancelledError:
            raise
        except TimeoutError as exc:
            self._out.put_nowait(TurnTimeout(budget or 0) if timer.expired() else exc)
        except Exception as exc:  # surfaces to the consumer, which turns it into a typed error
            self._out.put_nowait(exc)
        finally:
            await speech.close()

    async def _reply(self, speech: Speech) -> ResponseEnd:
        history = list(self._history if isinstance(self._history, Sequence) else await self._history())
        history = self.engines.limits.recent(history)
        hearing: asyncio.Task[Transcription] | None = None
        audio = self.input.pcm() if isinstance(self.input, AudioInput) else None
        user_text = ""
        if isinstance(self.input, TextInput):
            user_text = self.input.text
            history.append(Message("user", user_text))
        elif isinstance(self.input, AudioInput) and self.speech_to_speech:
            hearing = asyncio.create_task(self._hear(audio), name="hear")  # for the transcript only
            history.append(Message("user", "", audio=self.input.wav))
        elif audio is not None:
            transcription = await self._hear(audio)
            if not transcription.text.strip():
                raise NoSpeech()
            self._emit(Transcribed(transcription, audio.duration_ms))
            user_text = transcription.text
            history.append(Message("user", user_text))
        if hearing is None:
            self._emit(InputReady())
        history = self.engines.limits.recent(history)  # with the user's own words
        try:
            end = await self._loop(history, speech).run()
            if hearing is not None:
                user_text = await self._heard(hearing, audio)
        finally:
            if hearing is not None:
                hearing.cancel()
        said = (Message("user", user_text),) if self.input is not None else ()
        return replace(end, user_text=user_text, items=(*said, *end.items))

    def _loop(self, history: list[HistoryItem], speech: Speech) -> ToolLoop:
        options, profile = self.options, self.profile
        merged = {**profile.options, **options.options}
        speaking_agent = self.speech_to_speech and options.speak
        request = AgentRequest(history=tuple(history), instructions=_first(options.instructions, profile.instructions),
                               tools=[*profile.tools.specs(), *options.client_tools], tool_choice=options.tool_choice,
                               language=self.language, options=merged, max_output_tokens=options.max_output_tokens,
                               voice=self._voice() if speaking_agent else None)
        agent = self.engines.audio_model if self.speech_to_speech else profile.agent
        ledger = self.ledger if self.released else _HeldLedger(self.ledger, self._released)
        return ToolLoop(agent, request, server_tools=profile.tools, ledger=ledger,  # type: ignore[arg-type]
                        tool_context=ToolContext(owner=options.owner, language=self.language, options=merged),
                        speech=speech, emit=self._emit, may_act=self._may_act)

    def _speech(self) -> Speech:
        if not self.options.speak:
            return Silence()
        if self.speech_to_speech:
            return SpeechPieces(self._emit)
        return SentenceSpeaker(self.engines.tts, SpeechOptions(voice=self._voice()), self._emit, self._out.put_nowait,
                               after_first=self._released.wait)  # held: the first piece only

    def _voice(self) -> str:
        return self.options.voice or self.profile.voice

    async def _hear(self, audio: Pcm) -> Transcription:
        return await self.engines.stt.transcribe(audio, language=self.language)

    async def _heard(self, hearing: asyncio.Task[Transcription], audio: Pcm) -> str:
        """The transcript of audio a speech-to-speech model heard, once the reply is out; the reply stands
        even if transcription failed."""
        try:
            transcription = await hearing
        except (EngineError, ValueError) as exc:
            log.warning("a turn's audio could not be transcribed: %s", exc)
            return ""
        self._emit(Transcribed(transcription, audio.duration_ms))
        return transcription.text

    async def _may_act(self, read_only: bool) -> None:
        if not read_only:
            await self._released.wait()

    def _emit(self, event: PipelineEvent) -> None:
        self.timings.observe(event)
        if isinstance(event, AudioOut):
            self.prepared_audio_ms += event.pcm.duration_ms
        if isinstance(event, ResponseEnd):
            event = replace(event, timings=self.timings.durations_ms())
        self._out.put_nowait(event)


class _HeldLedger:
    """The tool calls of a turn started held: until it is released they run in a scratch ledger of their own
    (only read-only tools run then), so a discarded turn leaves no call id in the session's ledger."""

    def __init__(self, ledger: ToolLedger, released: asyncio.Event) -> None:
        self._ledger, self._released, self._scratch = ledger, released, ToolLedger()

    async def run(self, call_id: str, tool: ServerTool, arguments: str, context: ToolContext) -> ToolResult:
        ledger = self._ledger if self._released.is_set() else self._scratch
        return await ledger.run(call_id, tool, arguments, context)


def _first(value: Any, fallback: Any) -> Any:
    return fallback if value is None else value
