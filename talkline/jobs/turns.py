"""The job handler for voice and chat turns: the same pipeline as Realtime, its events written to the log.

Audio goes out one sentence per `audio_chunk`: the first chunk leaves as soon as the first
sentence is synthesised, and chunk boundaries follow the text, so a job redelivered after a crash
(whose speech may be synthesised with slightly different timing) continues the stream at the same
sentence instead of splicing two takes of one sentence together.
"""

from __future__ import annotations

import base64
import json
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
from talkline.pipeline.events import AudioOut, ResponseEnd, SpeechDone, TextOut, ToolCallOut, ToolResultOut
from talkline.profiles.base import ProfileRegistry, UnknownProfile

OUTPUT_RATE = 24000


class ConversationHistory(Protocol):
    """Turns of a `session_id`, shared by every worker; a job's own turn is written once, by its id."""

    async def load(self, owner: str, session_id: str, *, exclude_turn: str) -> list[Turn]: ...

    async def append(self, owner: str, session_id: str, *, turn_id: str, profile: str,
                     messages: Sequence[Message]) -> None: ...


@dataclass(frozen=True)
class TurnJobHandler:
    pipeline: Callable[[], Pipeline]
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
        try:
            profile = self.profiles.get(job.profile).for_options(job.options.get("profile_options", {}))
        except (UnknownProfile, LookupError, ValueError) as exc:
            raise JobFailed("invalid_profile", str(exc)) from None
        timings = StageTimings(committed=time.monotonic())
        timings.speech_end = timings.committed
        language = job.options.get("language") or profile.language
        user_text = job.text or await self._transcribe(job, events, language)
        timings.mark("stt_done")
        past = await self.history.load(job.owner, job.session_id or job.id, exclude_turn=job.id)
        request = AgentRequest(history=(*past, Message("user", user_text)), instructions=profile.instructions,
                               tools=profile.tools.specs(), language=language,
                               options={**profile.options, **job.options.get("profile_options", {})})
        modalities = job.options.get("modalities") or ["text", "audio"]
        speech = SpeechOptions(voice=job.options.get("voice") or profile.voice) if "audio" in modalities else None
        stream = self.pipeline().respond(profile.agent, request, speech=speech, server_tools=profile.tools,
                                         ledger=ToolLedger(), timings=timings,
                                         tool_context=ToolContext(owner=job.owner, language=language,
                                                                  options=request.options))
        writer = _EventWriter(events, job.options.get("output_format", "mp3"), self.pool)
        try:
            async for event in stream:
                if isinstance(event, ResponseEnd):
                    end = event
                    break
                await writer.write(event)
            else:
                raise JobFailed("pipeline_failed", "the reply ended without a result")
        finally:
            await stream.aclose()
        await writer.finish(end.text, speech is not None)
        await self.history.append(job.owner, job.session_id or job.id, turn_id=job.id, profile=profile.name,
                                  messages=[Message("user", user_text), Message("assistant", end.text)])
        observe_timings("jobs", timings.durations_ms())
        JOBS.labels(kind=job.kind, status="succeeded").inc()
        await events.emit("done", {"text": end.text, "user_text": user_text, "stop_reason": end.stop_reason,
                                   "usage": {"input_tokens": end.usage.input_tokens,
                                             "output_tokens": end.usage.output_tokens,
                                             "total_tokens": end.usage.total_tokens},
                                   "timings": timings.durations_ms()})

    async def _transcribe(self, job: Job, events: JobEvents, language: str | None) -> str:
        audio = read_wav(job.audio or b"")
        transcription = await self.pipeline().transcribe(audio, language=language)
        if not transcription.text.strip():
            raise JobFailed("no_speech", "no speech was recognised in the uploaded audio")
        await events.emit("transcript", {"text": transcription.text, "language": transcription.language,
                                         "duration_ms": round(audio.duration_ms, 1)})
        return transcription.text


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
