"""Typed errors of the job machinery; the HTTP layer maps them to status codes."""

from __future__ import annotations


class JobError(Exception):
    """Base of every error raised by `talkline.jobs`."""


class EnqueueError(JobError):
    """The job could not be stored or queued (broker or database unavailable): answer 503."""


class EventLogUnavailable(JobError):
    """The event log's store cannot be reached right now (connection refused, reset or timed out).

    Readers retry: an SSE stream keeps its client with keepalives until the store answers again."""


class JobNotFound(JobError, LookupError):
    """No such job for this caller: unknown, expired, malformed id, or owned by someone else."""


class JobClosed(JobError):
    """The job already ended; its event log takes no more events."""


class InvalidEventId(JobError, ValueError):
    """A `Last-Event-ID` that this event log never issues."""


class JobFailed(JobError):
    """Raised by a handler to end the job with a client-facing error.

    `retryable=False` (bad input, unsupported option) ends the job at once; `True` lets the worker
    try again while attempts remain. `message` reaches the client, so it must hold no secrets.
    """

    def __init__(self, code: str, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable
