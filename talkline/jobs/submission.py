"""Submitting a job, and reading one back only as its owner."""

from __future__ import annotations

import logging

from talkline.jobs.errors import EnqueueError, JobNotFound
from talkline.jobs.job import Job, JobOutcome, JobRecord, is_job_id
from talkline.jobs.ports import EventLog, JobQueue
from talkline.jobs.redact import redacted_traceback

log = logging.getLogger(__name__)


async def submit_job(queue: JobQueue, events: EventLog, job: Job) -> JobRecord:
    """Records the job (status queued, `queued` event) and then enqueues it.

    Raises EnqueueError, never answers "queued", when either step fails; a job recorded but not
    enqueued is marked failed with an `enqueue_failed` error event, so its stream ends too.
    """
    try:
        record = await events.create_job(job)
    except Exception as exc:
        raise EnqueueError(f"the job store cannot take job {job.id} ({type(exc).__name__})") from exc
    try:
        await queue.publish(job)
    except EnqueueError:
        await _mark_unqueued(events, job.id)
        raise
    return record


async def _mark_unqueued(events: EventLog, job_id: str) -> None:
    try:
        await events.finish(job_id, JobOutcome.failed("enqueue_failed", "the job could not be queued"))
    except Exception as exc:
        log.error("job %s could not be queued nor marked failed\n%s", job_id, redacted_traceback(exc))


def owned_by(record: JobRecord | None, owner: str) -> JobRecord:
    """The record if `owner` owns it. Someone else's job is refused exactly like a missing one,
    so ids cannot be probed."""
    if record is None or record.owner != owner:
        raise JobNotFound("no such job")
    return record


async def get_owned_job(events: EventLog, job_id: str, owner: str) -> JobRecord:
    """The job's record for its owner; JobNotFound for a malformed, unknown, expired or foreign id."""
    if not is_job_id(job_id):
        raise JobNotFound("no such job")
    return owned_by(await events.get_job(job_id), owner)
