"""`POST /v1/audio/transcriptions`: an uploaded file as text, JSON, verbose JSON, SRT or WebVTT, or
as `transcript.text.delta` … `transcript.text.done` events with `stream=true`."""

# No `from __future__ import annotations`: FastAPI must see the route's annotations at runtime.
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from talkline.auth.identity import Caller
from talkline.engines.base import EngineError, Segment, SpeechToText, Transcription
from talkline.rest.errors import engine_error
from talkline.rest.openai_sse import sse_response
from talkline.rest.services import RestServices
from talkline.rest.subtitles import to_srt, to_vtt
from talkline.rest.transcription_engine import TranscriptionJob, transcribe_segments, transcribe_timed
from talkline.rest.transcription_form import TranscriptionParams, transcription_params, upload
from talkline.rest.usage import duration_usage, transcription_usage

MAX_FORM_FIELDS = 100
TIMED_FORMATS = frozenset({"verbose_json", "srt", "vtt"})


def transcriptions_router(services: RestServices, caller_dep: Callable[..., Awaitable[Caller]]) -> APIRouter:
    router = APIRouter(tags=["openai"])

    @router.post("/v1/audio/transcriptions", response_model=None)
    async def transcriptions(request: Request, caller: Annotated[Caller, Depends(caller_dep)]) -> Response:
        services.pipeline()  # 503 before the upload is read while the models load
        form = await request.form(max_files=1, max_fields=MAX_FORM_FIELDS)
        try:
            params = transcription_params(form)
            # a client secret's profile gives the engines; otherwise the shared ones, whatever `model` says
            pipeline = services.pipeline(services.bound_model(params.model, caller) if caller.bound_profile else None)
            file = upload(form)
            services.audio_input.check_size(file.size or 0, "file")
            audio = await services.audio_input.decode(await file.read(), "file")
        finally:
            await form.close()
        job = TranscriptionJob(audio, params.language, params.prompt, params.word_timestamps)
        if params.stream:
            return sse_response(await _events(transcribe_segments(pipeline.stt, job), job))
        try:
            result = await _transcribe(pipeline.stt, job, params.response_format)
        except EngineError as exc:
            raise engine_error(exc, "language") from None
        return _render(result, params, job)

    return router


async def _transcribe(stt: SpeechToText, job: TranscriptionJob, fmt: str) -> Transcription:
    """Timed formats decode at beam 5; text alone at beam 1, which read Piper English and the Korean clip as
    well in two thirds of the time (engines/local/whisper.py). Both keep the uploads' 8 s minimum window."""
    return await transcribe_timed(stt, job, greedy=fmt not in TIMED_FORMATS)


def _render(result: Transcription, params: TranscriptionParams, job: TranscriptionJob) -> Response:
    fmt = params.response_format
    if fmt == "text":
        return PlainTextResponse(result.text + "\n")
    if fmt == "srt":
        return PlainTextResponse(to_srt(result.segments))
    if fmt == "vtt":
        return PlainTextResponse(to_vtt(result.segments))
    if fmt == "verbose_json":
        return JSONResponse(_verbose(result, params, job))
    return JSONResponse({"text": result.text, "usage": duration_usage(job.duration_s)})


def _verbose(result: Transcription, params: TranscriptionParams, job: TranscriptionJob) -> dict[str, Any]:
    body: dict[str, Any] = {"task": "transcribe", "language": result.language or job.language or "",
                            "duration": round(job.duration_s, 3), "text": result.text,
                            "usage": duration_usage(job.duration_s)}
    if params.segment_timestamps:
        body["segments"] = [_segment(index, segment) for index, segment in enumerate(result.segments)]
    if params.word_timestamps:
        body["words"] = [{"word": word.text.strip(), "start": round(word.start, 3), "end": round(word.end, 3)}
                         for segment in result.segments for word in segment.words]
    return body


def _segment(index: int, segment: Segment) -> dict[str, Any]:
    # The engine reports times and text; Whisper's per-segment decoding statistics are not kept, so
    # those fields carry neutral values (they are required by the response schema).
    return {"id": index, "seek": round(segment.start * 100), "start": round(segment.start, 3),
            "end": round(segment.end, 3), "text": segment.text, "tokens": [], "temperature": 0.0,
            "avg_logprob": 0.0, "compression_ratio": 0.0, "no_speech_prob": 0.0}


async def _events(segments: AsyncGenerator[Segment, None], job: TranscriptionJob
                  ) -> AsyncGenerator[dict[str, Any], None]:
    """The first segment is decoded before the response starts, so a bad request still gets a 4xx."""
    try:
        first = await anext(segments, None)
    except EngineError as exc:
        raise engine_error(exc, "language") from None
    return _stream(first, segments, job)


async def _stream(first: Segment | None, segments: AsyncGenerator[Segment, None], job: TranscriptionJob
                  ) -> AsyncGenerator[dict[str, Any], None]:
    text = first.text.lstrip() if first is not None else ""
    if text:
        yield {"type": "transcript.text.delta", "delta": text}
    async with aclosing(segments):
        async for segment in segments:
            text += segment.text
            yield {"type": "transcript.text.delta", "delta": segment.text}
    text = text.strip()
    yield {"type": "transcript.text.done", "text": text, "usage": transcription_usage(job.duration_s, job.prompt, text)}

