"""The two ports under voice jobs: a queue that hands jobs to workers, and a log of job events.

Both have an embedded SQLite backend and a distributed one (RabbitMQ, Redis Streams); the worker,
the submission helper and the SSE reader only ever see these protocols.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Protocol

from talkline.jobs.job import Job, JobEvent, JobOutcome, JobRecord


class Delivery(Protocol):
    """A job handed to one worker. Exactly one of ack / retry / dead_letter settles it; a worker
    that dies before settling it gets the job redelivered (connection loss or lease expiry)."""

    job: Job

    async def ack(self) -> None:
        """The job is finished (its terminal event is written): remove it for good."""
        ...

    async def retry(self) -> None:
        """Give the job back to the queue for another attempt."""
        ...

    async def dead_letter(self) -> None:
        """Move the job to the dead-letter queue (it failed after its last attempt)."""
        ...


class JobQueue(Protocol):
    async def publish(self, job: Job) -> None:
        """Durably enqueue `job`; returns only once the broker or database confirmed it.

        Raises EnqueueError when it cannot be taken."""
        ...

    def consume(self, prefetch: int) -> AsyncIterator[Delivery]:
        """Deliveries as they come, at most `prefetch` unsettled at once."""
        ...

    async def close(self) -> None: ...


class EventLog(Protocol):
    """Job records and each job's ordered events, readable by every replica.

    Event ids are the log's own ids, increasing within a job. Sequence numbers: 0 is `queued`
    (written at submission), each attempt emits from 1, the terminal event takes the next free one.
    """

    async def create_job(self, job: Job) -> JobRecord:
        """Record a new job as queued and write its `queued` event (seq 0)."""
        ...

    async def get_job(self, job_id: str) -> JobRecord | None: ...

    async def start_attempt(self, job_id: str) -> JobRecord | None:
        """Unless the job already finished: attempt += 1, status running. Returns the record after
        (None when the job is unknown or expired)."""
        ...

    async def append(self, job_id: str, seq: int, type: str, data: dict[str, Any]) -> str | None:
        """Write one event; idempotent by (job_id, seq): returns its new id, or None when that seq is
        already in the log. Raises JobClosed once the job ended, JobNotFound for an unknown job."""
        ...

    async def finish(self, job_id: str, outcome: JobOutcome) -> bool:
        """Atomically write the terminal event (after every existing one) and the final status.

        Returns False, writing nothing, when the job had already finished."""
        ...

    async def read(self, job_id: str, after: str | None = None, limit: int = 500) -> list[JobEvent]:
        """Events strictly after the event id `after` (from the start when None), in order."""
        ...

    async def wait(self, job_id: str, after: str | None, max_wait_s: float, limit: int = 500) -> list[JobEvent]:
        """Like read, but blocks up to `max_wait_s` for the first new event; [] when none came."""
        ...

    def check_event_id(self, event_id: str) -> str:
        """Returns `event_id` if this log could have issued it; raises InvalidEventId otherwise."""
        ...

    async def purge_expired(self) -> int:
        """Delete finished jobs older than the retention; returns how many went."""
        ...

    async def close(self) -> None: ...
