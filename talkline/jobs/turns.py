"""The job handler for voice and chat turns: the same pipeline as Realtime, its events written to the log.

Audio goes out one sentence per `audio_chunk`: the first chunk leaves as soon as the first
sentence is synthesised, and chunk boundaries follow the text, so a job redelivered after a crash
(whose speech may be synthesised with slightly different timing) continues the stream at the same
sentence instead of splicing two takes of one sentence together.

A profile may instead run its jobs on a speech-to-speech chat model (`audio_model`, e.g. gpt-audio;
talkline/pipeline/audio_chat.py): the upload is transcribed alongside (for the `transcript` event
and the session's history), without delaying the reply.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from talkline.agent.base import AgentRequest
from talkline.agent.conversation import Message, Turn
from talkline.agent.tools import ToolContext, ToolLedger
from talkline.audio import Pcm
from talkline.audio.encode import encode_audio
from talkline.audio.resample import resample
from talkline.audio.wav import read_wav
from talkline.engines.base import EngineError
from talkline.engines.pool import InferencePool
from talkline.jobs.errors import JobFailed
from talkline.jobs.model import Job
from talkline.jobs.worker import JobEvents
from talkline.metrics import JOBS, observe_timings
from talkline.pipeline import Pipeline, SpeechOptions, StageTimings
from talkline.pipeline.audio_chat import AudioChatModel, AudioTurn
from talkline.pipeline.events import (
    AudioOut,
    ResponseEnd,
    SpeechDone,
    TextOut,
    ToolCallOut,
    ToolResultOut,
)
from talkline.profiles.base import Profile, ProfileRegistry, UnknownProfile

log = logging.getLogger(__name__)

OUTPUT_RATE = 24000


class ConversationHistory(Protocol):
    """Turns of a `session_id`, shared by every worker; a job's own turn is written once, by its id."""

    async def load(self, owner: str, session_id: str, *, exclude_turn: str) -> list[Turn]: ...

    async def append(self, owner: str, session_id: str, *, turn_id: str, profile: str,
                     messages: Sequence[Message]) -> None: ...


def _no_audio_model(profile: str) -> AudioChatModel | None:
    return None


@dataclass(frozen=True)
class _Turn:
    """One job's turn: who asks, in which profile and language, and where its events go."""

    job: Job
    profile: Profile
    language: str | None
    timings: StageTimings
    tool_context: ToolContext
    history: Sequence[Turn]
    voice: str | None  # None: a text-only reply
    writer: _EventWriter


@dataclass(frozen=True)
class TurnJobHandler:
    pipeline: Callable[[str], Pipeline]  # the pipeline of a profile, by name
    profiles: ProfileRegistry
    history: ConversationHistory
    pool: InferencePool
    audio_model: Callable[[str], AudioChatModel | None] = _no_audio_model  # a profile's speech-to-speech model

    async def __call__(self, job: Job, events: JobEvents) -> None:
        try:
            await self._run(job, events)
        except EngineError as exc:
            JOBS.labels(kind=job.kind, status="failed").inc()
            raise JobFailed(exc.code, str(exc)) from exc

    async def _run(self, job: Job, events: JobEvents) -> None:
        try:
            profile = self.profiles.get(job.profile).for_options(job.options.get("profile_options", {}))
        except (UnknownProfile, LookupError, ValueError) as exc:
            raise JobFailed("invalid_profile", str(exc)) from None
        timings = StageTimings(committed=time.monotonic())
        timings.speech_end = timings.committed
        language = job.options.get("language") or profile.language
        options = {**profile.options, **job.options.get("profile_options", {})}
        spoken = "audio" in (job.options.get("modalities") or ["text", "audio"])
        turn = _Turn(job, profile, language, timings, ToolContext(owner=job.owner, language=language, options=options),
                     history=await self.history.load(job.owner, job.session_id or job.id, exclude_turn=job.id),
                     voice=(job.options.get("voice") or profile.voice) if spoken else None,
                     writer=_EventWriter(events, job.options.get("output_format", "mp3"), self.pool))
        model = self.audio_model(job.profile)
        end, user_text = await (self._cascade(turn, events) if model is None
                                else self._speech_to_speech(model, turn, events))
        await turn.writer.finish(end.text, spoken)
        await self.history.append(job.owner, job.session_id or job.id, turn_id=job.id, profile=profile.name,
                                  messages=[Message("user", user_text), Message("assistant", end.text)])
        observe_timings("jobs", timings.durations_ms())
        JOBS.labels(kind=job.kind, status="succeeded").inc()
        await events.emit("done", {"text": end.text, "user_text": user_text, "stop_reason": end.stop_reason,
                                   "usage": {"input_tokens": end.usage.input_tokens,
                                             "output_tokens": end.usage.output_tokens,
                                             "total_tokens": end.usage.total_tokens},
                                   "timings": timings.durations_ms()})

    async def _cascade(self, turn: _Turn, events: JobEvents) -> tuple[ResponseEnd, str]:
        """Transcribe, then the profile's agent and voice through the profile's pipeline."""
        job, profile = turn.job, turn.profile
        user_text = job.text or await self._transcribe(job, events, turn.language)
        turn.timings.mark("stt_done")
        request = AgentRequest(history=(*turn.history, Message("user", user_text)), instructions=profile.instructions,
                               tools=profile.tools.specs(), language=turn.language, options=turn.tool_context.options)
        speech = SpeechOptions(voice=turn.voice) if turn.voice is not None else None
        end = await _drain(self.pipeline(job.profile).respond(
            profile.agent, request, speech=speech, server_tools=profile.tools, ledger=ToolLedger(),
            timings=turn.timings, tool_context=turn.tool_context), turn.writer)
        return end, user_text

    async def _speech_to_speech(self, model: AudioChatModel, turn: _Turn, events: JobEvents
                                ) -> tuple[ResponseEnd, str]:
        """The recorded audio straight to the model; its transcript is made alongside, for history."""
        job = turn.job
        heard = asyncio.ensure_future(self._hear(job, turn.language)) if job.text is None else None
        request = AudioTurn(history=turn.history, instructions=turn.profile.instructions, text=job.text,
                            audio=job.audio, voice=turn.voice)
        try:
            end = await _drain(model.respond(request, tools=turn.profile.tools, ledger=ToolLedger(),
                                             tool_context=turn.tool_context, timings=turn.timings), turn.writer)
        finally:
            if heard is not None and not heard.done():
                heard.cancel()
        return end, job.text or await self._heard(heard, events)

    async def _transcribe(self, job: Job, events: JobEvents, language: str | None) -> str:
        audio = read_wav(job.audio or b"")
        transcription = await self.pipeline(job.profile).transcribe(audio, language=language)
        if not transcription.text.strip():
            raise JobFailed("no_speech", "no speech was recognised in the uploaded audio")
        await _emit_transcript(events, transcription.text, transcription.language, audio)
        return transcription.text

    async def _hear(self, job: Job, language: str | None) -> tuple[str, str | None, Pcm]:
        audio = read_wav(job.audio or b"")
        transcription = await self.pipeline(job.profile).transcribe(audio, language=language)
        return transcription.text, transcription.language, audio

    @staticmethod
    async def _heard(heard: asyncio.Future[tuple[str, str | None, Pcm]] | None, events: JobEvents) -> str:
        """The upload's transcript once the reply is out; the reply stands even if transcription failed."""
        if heard is None:
            return ""
        try:
            text, language, audio = await heard
        except (EngineError, ValueError) as exc:
            log.warning("the upload of a voice job could not be transcribed: %s", exc)
            return ""
        await _emit_transcript(events, text, language, audio)
        return text


async def _emit_transcript(events: JobEvents, text: str, language: str | None, audio: Pcm) -> None:
    await events.emit("transcript", {"text": text, "language": language, "duration_ms": round(audio.duration_ms, 1)})


async def _drain(stream: Any, writer: _EventWriter) -> ResponseEnd:
    """Write a response's events until its end; closing the stream on the way out cancels what still runs."""
    try:
        async for event in stream:
            if isinstance(event, ResponseEnd):
                return event
            await writer.write(event)
        raise JobFailed("pipeline_failed", "the reply ended without a result")
    finally:
        await stream.aclose()


class _EventWriter:
    """Pipeline events → job events: tokens, tool calls and results, one audio chunk per sentence."""

    def __init__(self, events: JobEvents, output_format: str, pool: InferencePool) -> None:
        self.events, self.format, self.pool = events, output_format, pool
        self.token_seq = 0
        self.chunk_seq = 0
        self.total_ms = 0.0
        self._sentence: list[Pcm] = []

    async def write(self, event: Any) -> None:
        if isinstance(event, TextOut):
            self.token_seq += 1
            await self.events.emit("token", {"content": event.text, "seq": self.token_seq})
        elif isinstance(event, ToolCallOut):
            await self.events.emit("tool_call", {"call_id": event.call_id, "name": event.name,
                                                 "arguments": _json_or_text(event.arguments)})
        elif isinstance(event, ToolResultOut):
            result = event.result
            await self.events.emit("tool_result", {"call_id": result.call_id, "name": result.name, "ok": result.ok,
                                                   "summary": _summary(result.output)})
        elif isinstance(event, SpeechDone):
            await self._flush_sentence()
        elif isinstance(event, AudioOut):
            self._sentence.append(event.pcm)

    async def finish(self, text: str, spoke: bool) -> None:
        await self._flush_sentence()
        if spoke:
            await self.events.emit("audio_complete", {"total_duration_ms": round(self.total_ms, 1),
                                                      "text_transcript": text, "format": self.format})

    async def _flush_sentence(self) -> None:
        if not self._sentence:
            return
        pieces, self._sentence = self._sentence, []
        pcm = Pcm(b"".join(p.data for p in pieces), pieces[0].rate)
        data = await self.pool.run(_encode, pcm, self.format)
        self.chunk_seq += 1
        self.total_ms += pcm.duration_ms
        await self.events.emit("audio_chunk", {"data": base64.b64encode(data).decode(), "format": self.format,
                                               "seq": self.chunk_seq, "duration_ms": round(pcm.duration_ms, 1)})


def _encode(pcm: Pcm, fmt: str) -> bytes:
    return encode_audio(resample(pcm, OUTPUT_RATE), fmt)


def _json_or_text(arguments: str) -> Any:
    try:
        return json.loads(arguments)
    except json.JSONDecodeError:
        return arguments


def _summary(output: str) -> str:
    try:
        value = json.loads(output)
    except json.JSONDecodeError:
        return output[:200]
    if isinstance(value, dict):
        if "summary" in value:
            return str(value["summary"])
        if "error" in value:
            return f"error: {value['error'].get('message', value['error']) if isinstance(value['error'], dict) else value['error']}"
    return json.dumps(value, ensure_ascii=False)[:200]
