"""Voice-job SSE event payloads (`GET /v1/voice/{job_id}/events`, also text chat jobs).

Each payload's `type` is also its SSE `event:` name; the SSE `id:` comes from the event log, so
`Last-Event-ID` resumes exactly. `seq` orders the pieces of one stream (tokens, audio chunks).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

NonNegative = Annotated[int, Field(ge=0)]
Milliseconds = Annotated[float, Field(ge=0)]
JobAudioFormat = Literal["pcm16", "wav", "mp3", "opus", "aac", "flac"]


class _JobEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    def sse_data(self) -> str:
        """The SSE `data:` line content (compact JSON)."""
        return self.model_dump_json()


class JobQueued(_JobEvent):
    type: Literal["queued"] = "queued"
    job_id: str
    status: Literal["queued"] = "queued"


class JobTranscript(_JobEvent):
    """What the user said (the uploaded audio, transcribed)."""

    type: Literal["transcript"] = "transcript"
    text: str
    language: str | None = None
    duration_ms: Milliseconds | None = None  # of the uploaded speech


class JobToolCall(_JobEvent):
    type: Literal["tool_call"] = "tool_call"
    call_id: str
    name: str
    arguments: dict[str, Any] | str  # the arguments object (text only if the model's JSON did not parse)


class JobToolResult(_JobEvent):
    type: Literal["tool_result"] = "tool_result"
    call_id: str
    name: str
    ok: bool = True
    summary: str  # a short human-readable result (the full output stays on the server)


class JobToken(_JobEvent):
    type: Literal["token"] = "token"
    content: str
    seq: NonNegative


class JobAudioChunk(_JobEvent):
    type: Literal["audio_chunk"] = "audio_chunk"
    data: str  # base64 audio bytes in `format` (pcm16: 24 kHz mono s16le, no header)
    format: JobAudioFormat = "pcm16"
    seq: NonNegative
    duration_ms: Milliseconds


class JobAudioComplete(_JobEvent):
    type: Literal["audio_complete"] = "audio_complete"
    total_duration_ms: Milliseconds
    text_transcript: str
    format: JobAudioFormat = "pcm16"


class JobUsage(_JobEvent):
    input_tokens: NonNegative = 0
    output_tokens: NonNegative = 0
    total_tokens: NonNegative = 0


class JobDone(_JobEvent):
    """The final answer. `timings` are per-stage milliseconds, e.g. {"stt_ms": 410.0, "first_token_ms": …}."""

    type: Literal["done"] = "done"
    text: str
    user_text: str = ""  # what the reply answered (the transcript, or the chat message)
    stop_reason: Literal["completed", "tool_calls", "max_output_tokens"] = "completed"
    usage: JobUsage = Field(default_factory=JobUsage)
    timings: dict[str, Milliseconds] = Field(default_factory=dict)


class JobError(_JobEvent):
    type: Literal["error"] = "error"
    code: str
    message: str


JobEvent = Annotated[
    JobQueued | JobTranscript | JobToolCall | JobToolResult | JobToken | JobAudioChunk | JobAudioComplete
    | JobDone | JobError,
    Field(discriminator="type"),
]
TERMINAL_JOB_EVENTS = frozenset({"done", "error"})

_JOB_EVENTS: TypeAdapter[JobEvent] = TypeAdapter(JobEvent)


def parse_job_event(data: str | bytes | dict[str, object]) -> JobEvent:
    """A job event from its SSE data (JSON text) or a decoded dict; raises pydantic.ValidationError."""
    if isinstance(data, str | bytes):
        return _JOB_EVENTS.validate_json(data)
    return _JOB_EVENTS.validate_python(data)
