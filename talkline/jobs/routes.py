"""HTTP for jobs: `POST /v1/voice` and `POST /v1/chat` submit, `GET …/{job_id}` reads, `…/events` streams.

Uploads are checked and decoded here, before anything is queued: a bad file is a 4xx answer, never
a queued job that fails later. Workers receive the decoded 16 kHz audio as WAV.
"""


import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Header, Query, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette.sse import EventSourceResponse

from talkline.audio.decode import decode_upload
from talkline.audio.errors import AudioError
from talkline.audio.wav import wav_bytes
from talkline.auth.identity import AuthError, Caller
from talkline.engines.pool import InferencePool
from talkline.http_errors import ApiError
from talkline.jobs.backends import Backends
from talkline.jobs.errors import EnqueueError, EventLogUnavailable, InvalidEventId, JobNotFound
from talkline.jobs.job import Job, JobRecord
from talkline.jobs.sse import job_event_stream
from talkline.jobs.submission import get_owned_job, submit_job
from talkline.limits import TextLimits, TextTooLong
from talkline.profiles.base import ProfileRegistry, UnknownProfile
from talkline.settings import Settings

OutputFormat = Literal["mp3", "opus", "wav", "pcm16", "aac", "flac"]
SessionId = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[\w.:@-]+$")]
READ_CHUNK = 1024 * 1024


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session_id: SessionId
    message: Annotated[str, Field(min_length=1)]  # at most settings.message_max_chars
    profile: str | None = None
    modalities: list[Literal["text", "audio"]] = Field(default_factory=lambda: ["text"])
    voice: str | None = None
    language: str | None = None
    output_format: OutputFormat = "mp3"
    options: dict[str, str] = Field(default_factory=dict)  # profile options, e.g. scenario and persona


def jobs_router(settings: Settings, backends: Callable[[], Backends], profiles: ProfileRegistry,
                caller: Callable[..., Awaitable[Caller]], pool: InferencePool) -> APIRouter:
    router = APIRouter()
    Who = Annotated[Caller, Depends(caller)]

    @router.post("/v1/voice", status_code=202)
    async def submit_voice(
        who: Who, file: Annotated[UploadFile, File()], session_id: Annotated[str, Form()],
        profile: Annotated[str | None, Form()] = None, voice: Annotated[str | None, Form()] = None,
        language: Annotated[str | None, Form()] = None,
        output_format: Annotated[OutputFormat, Form()] = "mp3",
        modalities: Annotated[list[str] | None, Form()] = None,
    ) -> JSONResponse:
        if not settings.voice_jobs_enabled:
            raise ApiError(503, "voice jobs are turned off on this server (TALKLINE_VOICE_JOBS_ENABLED); "
                           "text chat at POST /v1/chat still works", code="voice_jobs_disabled")
        _check_session_id(session_id)
        name = _profile(profiles, who, profile, who.options)
        data = await _read_limited(file, settings.upload_max_bytes)
        try:
            audio = await pool.run(decode_upload, data, rate=16000, max_seconds=settings.upload_max_seconds)
        except AudioError as exc:
            raise ApiError(exc.status, exc.message, code=exc.code, param="file") from None
        options = {"voice": voice, "language": language, "output_format": output_format,
                   "modalities": _modalities(modalities), "profile_options": who.options or None,
                   "instructions": _bound_instructions(who)}
        job = Job(kind="voice", owner=_owner(who, session_id), session_id=session_id, profile=name,
                  options={k: v for k, v in options.items() if v is not None}, audio=wav_bytes(audio))
        return await _submit(backends(), job, "voice")

    @router.post("/v1/chat", status_code=202)
    async def submit_chat(body: ChatRequest, who: Who) -> JSONResponse:
        try:
            TextLimits.of(settings).check_message(body.message, "message")
        except TextTooLong as exc:
            raise ApiError(400, exc.message, code=exc.code, param=exc.param) from None
        profile_options = who.options_for(body.options)
        name = _profile(profiles, who, body.profile, profile_options)
        options: dict[str, Any] = {"modalities": body.modalities, "output_format": body.output_format,
                                   "profile_options": profile_options}
        options.update({k: v for k, v in {"voice": body.voice, "language": body.language,
                                          "instructions": _bound_instructions(who)}.items() if v})
        job = Job(kind="chat", owner=_owner(who, body.session_id), session_id=body.session_id, profile=name,
                  options=options, text=body.message)
        return await _submit(backends(), job, "chat")

    for kind in ("voice", "chat"):
        @router.get(f"/v1/{kind}/{{job_id}}")
        async def job_status(job_id: str, who: Who, session_id: Annotated[str | None, Query()] = None
                             ) -> dict[str, Any]:
            return (await _owned(backends(), job_id, who, session_id)).public()

        @router.get(f"/v1/{kind}/{{job_id}}/events")
        async def job_events(job_id: str, who: Who, session_id: Annotated[str | None, Query()] = None,
                             last_event_id: Annotated[str | None, Header()] = None) -> EventSourceResponse:
            log = backends().events
            await _owned(backends(), job_id, who, session_id)
            try:
                stream = job_event_stream(log, job_id, last_event_id, settings.sse_keepalive_seconds)
            except InvalidEventId as exc:
                raise ApiError(400, str(exc), code="invalid_last_event_id", param="Last-Event-ID") from None
            return EventSourceResponse(stream, ping=None, headers={"Cache-Control": "no-store",
                                                                   "X-Accel-Buffering": "no"})

    return router


async def _submit(backends: Backends, job: Job, kind: str) -> JSONResponse:
    try:
        await submit_job(backends.queue, backends.events, job)
    except EnqueueError as exc:
        raise ApiError(503, f"the job could not be queued: {exc}", code="enqueue_failed") from None
    return JSONResponse({"job_id": job.id, "status": "queued", "stream_url": f"/v1/{kind}/{job.id}/events"},
                        status_code=202)


async def _owned(backends: Backends, job_id: str, who: Caller, session_id: str | None) -> JobRecord:
    owner = _owner(who, session_id) if who.kind != "anonymous" or session_id else None
    try:
        if owner is None:
            raise JobNotFound("no such job")
        return await get_owned_job(backends.events, job_id, owner)
    except JobNotFound:
        hint = " (anonymous callers pass their session_id)" if who.kind == "anonymous" else ""
        raise ApiError(404, f"no job '{job_id}'{hint}", code="job_not_found", param="job_id") from None
    except EventLogUnavailable:
        raise ApiError(503, "the job store is unreachable; try again shortly", code="event_log_unavailable") from None


def _owner(who: Caller, session_id: str | None) -> str:
    """Jobs belong to the caller's identity; anonymous loopback callers are told apart by session id."""
    return f"anonymous:{session_id}" if who.kind == "anonymous" else who.owner


def _profile(profiles: ProfileRegistry, who: Caller, name: str | None, options: dict[str, str] | None = None) -> str:
    """The job's profile: a client secret fixes its own (talkline.auth.identity.Caller.profile_for)."""
    try:
        profile = profiles.get(who.profile_for(name, profiles.names()))
    except AuthError as exc:
        raise ApiError(exc.status, exc.message, code=exc.code, param="profile") from None
    except UnknownProfile as exc:
        raise ApiError(400, str(exc), code="model_not_found", param="profile") from None
    try:
        return profile.for_options(options or {}).name
    except (LookupError, ValueError) as exc:
        raise ApiError(400, str(exc), code="invalid_value", param="options") from None


def _bound_instructions(who: Caller) -> str | None:
    """A client secret minted with instructions keeps them on the job surfaces too."""
    instructions = (who.bound_session or {}).get("instructions")
    return instructions if isinstance(instructions, str) else None


def _check_session_id(session_id: str) -> None:
    if not re.fullmatch(r"[\w.:@-]{1,128}", session_id):
        raise ApiError(400, "session_id must be 1-128 letters, digits or . : @ - _", code="invalid_value",
                       param="session_id")


def _modalities(values: list[str] | None) -> list[str]:
    chosen = [part.strip() for value in values or ["text,audio"] for part in value.split(",") if part.strip()]
    unknown = [m for m in chosen if m not in ("text", "audio")]
    if unknown or not chosen:
        raise ApiError(400, f"modalities must be text and/or audio, got {chosen}", code="invalid_value",
                       param="modalities")
    return chosen


async def _read_limited(upload: UploadFile, limit: int) -> bytes:
    chunks, size = [], 0
    while chunk := await upload.read(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"the upload is larger than {limit // (1024 * 1024)} MB", code="upload_too_large",
                           param="file")
        chunks.append(chunk)
    if not size:
        raise ApiError(400, "the uploaded file is empty", code="empty_audio", param="file")
    return b"".join(chunks)
