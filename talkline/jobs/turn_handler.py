"""The job handler for voice and chat turns: a Turn of the job's profile, its events written to the log.

Audio goes out one sentence per `audio_chunk`: the first chunk leaves as soon as the first
sentence is synthesised, and chunk boundaries follow the text, so a job redelivered after a crash
(whose speech may be synthesised with slightly different timing) continues the stream at the same
sentence instead of splicing two takes of one sentence together.

A profile may run its jobs on a speech-to-speech chat model (`audio_model`, e.g. gpt-audio): the turn
then gives it the recording itself and transcribes the upload alongside, for the `transcript` event
and the session's history, without delaying the reply.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from talkline.agent.history import HistoryItem, Message
from talkline.audio import Pcm
from talkline.audio.encode import encode_audio
from talkline.audio.resample import resample
from talkline.engines.base import EngineError
from talkline.engines.pool import InferencePool
from talkline.jobs.errors import JobFailed
from talkline.jobs.job import Job
from talkline.jobs.worker import JobEvents
from talkline.metrics import JOBS, observe_timings
from talkline.pipeline import AudioInput, Pipeline, TextInput, Turn, TurnOptions
from talkline.pipeline.events import (
    AudioOut,
    ResponseEnd,
    SpeechDone,
    TextOut,
    ToolCallOut,
    ToolResultOut,
    Transcribed,
)
from talkline.profiles.base import Profile, ProfileRegistry, UnknownProfile

log = logging.getLogger(__name__)

OUTPUT_RATE = 24000


class ConversationHistory(Protocol):
    """History of a `session_id`, shared by every worker; a job's own turn is written once, by its id."""

    async def load(self, owner: str, session_id: str, *, exclude_turn: str) -> list[HistoryItem]: ...

    async def append(self, owner: str, session_id: str, *, turn_id: str, profile: str,
                     messages: Sequence[Message]) -> None: ...


@dataclass(frozen=True)
class TurnJobHandler:
    pipeline: Callable[[str], Pipeline]  # the pipeline of a profile, by name
    profiles: ProfileRegistry
    history: ConversationHistory
    pool: InferencePool

    async def __call__(self, job: Job, events: JobEvents) -> None:
        try:
            await self._run(job, events)
        except EngineError as exc:
            JOBS.labels(kind=job.kind, status="failed").inc()
            raise JobFailed(exc.code, str(exc)) from exc

    async def _run(self, job: Job, events: JobEvents) -> None:
        profile = self._profile(job)
        spoken = "audio" in (job.options.get("modalities") or ["text", "audio"])
        session = job.session_id or job.id
        started = time.monotonic()
        turn = self.pipeline(job.profile).turn(
            profile, await self.history.load(job.owner, session, exclude_turn=job.id),
            TextInput(job.text) if job.text is not None else AudioInput(job.audio or b""),
            TurnOptions(speak=spoken, voice=job.options.get("voice"), language=job.options.get("language"),
                        instructions=job.options.get("instructions"),
                        options=job.options.get("profile_options", {}), owner=job.owner, speech_to_speech=True,
                        speech_ended_at=started, committed_at=started))
        writer = _EventWriter(events, job.options.get("output_format", "mp3"), self.pool)
        end = await _drain(turn, writer)
        await writer.finish(end.text, spoken)
        await self.history.append(job.owner, session, turn_id=job.id, profile=profile.name,
                                  messages=[Message("user", end.user_text), Message("assistant", end.text)])
        observe_timings("jobs", end.timings)
        JOBS.labels(kind=job.kind, status="succeeded").inc()
        await events.emit("done", {"text": end.text, "user_text": end.user_text, "stop_reason": end.stop_reason,
                                   "usage": {"input_tokens": end.usage.input_tokens,
                                             "output_tokens": end.usage.output_tokens,
                                             "total_tokens": end.usage.total_tokens},
                                   "timings": end.timings})

    def _profile(self, job: Job) -> Profile:
        try:
            return self.profiles.get(job.profile).for_options(job.options.get("profile_options", {}))
        except (UnknownProfile, LookupError, ValueError) as exc:
            raise JobFailed("invalid_profile", str(exc)) from None


async def _drain(turn: Turn, writer: _EventWriter) -> ResponseEnd:
    """Write a turn's events until its end; closing the turn on the way out cancels what still runs."""
    try:
        async for event in turn:
            if isinstance(event, ResponseEnd):
                return event
            await writer.write(event)
        raise JobFailed("pipeline_failed", "the reply ended without a result")
    finally:
        await turn.aclose()


class _EventWriter:
    """Turn events → job events: tokens, tool calls and results, one audio chunk per sentence."""

    def __init__(self, events: JobEvents, output_format: str, pool: InferencePool) -> None:
        self.events, self.format, self.pool = events, output_format, pool
        self.token_seq = 0
        self.chunk_seq = 0
        self.total_ms = 0.0
        self._sentence: list[Pcm] = []

    async def write(self, event: Any) -> None:
        if isinstance(event, Transcribed):
            await self.events.emit("transcript", {"text": event.transcription.text,
                                                  "language": event.transcription.language,
                                                  "duration_ms": round(event.audio_ms, 1)})
        elif isinstance(event, TextOut):
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
