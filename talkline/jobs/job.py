"""What a job is, what is recorded about it, and the events it leaves behind."""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_AUDIO_BYTES = 25 * 1024 * 1024
TERMINAL_EVENTS = frozenset({"done", "error"})
_JOB_ID = re.compile(r"job_[0-9a-f]{32}")
_EVENT_TYPE = re.compile(r"[a-z][a-z0-9_.]{0,63}")


def new_job_id() -> str:
    return f"job_{uuid.uuid4().hex}"


def is_job_id(value: str) -> bool:
    """True for ids this package issues; anything else (path tricks, key injection) is refused."""
    return _JOB_ID.fullmatch(value) is not None


class Job(BaseModel):
    """One unit of work as it travels through the queue: who asked, for what, and the input itself.

    A voice job carries the uploaded audio bytes, a chat job carries text. `attempt` is filled in
    by the worker from the job record (1 on the first run, +1 on every start, crashes included).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(default_factory=new_job_id, pattern=_JOB_ID.pattern)
    kind: Literal["voice", "chat"]
    owner: str = Field(min_length=1)
    session_id: str | None = None
    profile: str = Field(min_length=1)
    created_at: float = Field(default_factory=time.time)
    attempt: int = Field(default=1, ge=1)
    options: dict[str, Any] = Field(default_factory=dict)
    audio: bytes | None = Field(default=None, max_length=MAX_AUDIO_BYTES, repr=False)
    text: str | None = None

    @model_validator(mode="after")
    def _input_matches_kind(self) -> Job:
        if self.kind == "voice" and (not self.audio or self.text is not None):
            raise ValueError("a voice job carries non-empty audio and no text")
        if self.kind == "chat" and (not self.text or self.audio is not None):
            raise ValueError("a chat job carries non-empty text and no audio")
        return self

    def to_wire(self) -> bytes:
        """Compact JSON header (which never holds a raw newline), a newline, then the raw audio."""
        return self.model_dump_json(exclude={"audio"}).encode() + b"\n" + (self.audio or b"")

    @classmethod
    def from_wire(cls, body: bytes) -> Job:
        header, newline, audio = body.partition(b"\n")
        if not newline:
            raise ValueError("not a job message: no header separator")
        return cls.model_validate({**json.loads(header), "audio": audio or None})


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED)


@dataclass(frozen=True, slots=True)
class JobRecord:
    """The job's status as every replica sees it; kept as long as its events."""

    id: str
    kind: str
    owner: str
    session_id: str | None
    profile: str
    status: JobStatus
    attempt: int
    created_at: float
    updated_at: float
    finished_at: float | None = None
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None

    def public(self) -> dict[str, Any]:
        """The shape `GET /v1/voice/{job_id}` answers with (no owner)."""
        return {"job_id": self.id, "kind": self.kind, "status": self.status.value,
                "session_id": self.session_id, "profile": self.profile, "attempt": self.attempt,
                "created_at": self.created_at, "finished_at": self.finished_at,
                "result": self.result, "error": self.error}


def queued_record(job: Job) -> JobRecord:
    return JobRecord(id=job.id, kind=job.kind, owner=job.owner, session_id=job.session_id,
                     profile=job.profile, status=JobStatus.QUEUED, attempt=0,
                     created_at=job.created_at, updated_at=job.created_at)


@dataclass(frozen=True, slots=True)
class JobEvent:
    """One entry of a job's event log. `id` is the log's own id: the SSE `id` and `Last-Event-ID`."""

    id: str
    seq: int
    type: str
    data: dict[str, Any]
    ts: float

    @property
    def terminal(self) -> bool:
        return self.type in TERMINAL_EVENTS


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """How a job ended: written once, as the terminal event and the record's final status together."""

    status: JobStatus
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def done(cls, data: dict[str, Any]) -> JobOutcome:
        return cls(JobStatus.SUCCEEDED, data)

    @classmethod
    def failed(cls, code: str, message: str) -> JobOutcome:
        return cls(JobStatus.FAILED, {"code": code, "message": message})

    @property
    def event_type(self) -> str:
        return "done" if self.status is JobStatus.SUCCEEDED else "error"


def queued_event_data(job_id: str) -> dict[str, Any]:
    return {"job_id": job_id, "status": JobStatus.QUEUED.value}


def check_event(seq: int, type: str) -> None:
    """Handler-emitted events start at seq 1 (0 is `queued`); types must be safe as an SSE `event:`."""
    if seq < 1:
        raise ValueError(f"event seq must be >= 1, got {seq}")
    if _EVENT_TYPE.fullmatch(type) is None:
        raise ValueError(f"invalid event type {type!r}: lowercase letters, digits, '_' or '.'")


def dump_data(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
