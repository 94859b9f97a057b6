from __future__ import annotations

import pytest

from talkline.jobs import (
    EnqueueError,
    EventLog,
    JobNotFound,
    JobQueue,
    JobStatus,
    get_owned_job,
    job_event_stream,
    submit_job,
)
from talkline.jobs.rabbit_queue import RabbitJobQueue
from tests.jobs.helpers import chat_job, voice_job


async def test_submit_records_the_job_as_queued_and_enqueues_it(event_log: EventLog, job_queue: JobQueue) -> None:
    job = voice_job()
    record = await submit_job(job_queue, event_log, job)
    assert (record.id, record.status) == (job.id, JobStatus.QUEUED)
    assert [event.type for event in await event_log.read(job.id)] == ["queued"]
    deliveries = job_queue.consume(prefetch=1)
    delivery = await anext(deliveries)
    assert delivery.job == job
    await delivery.ack()
    await deliveries.aclose()  # type: ignore[attr-defined]


async def test_a_job_the_broker_cannot_take_is_never_reported_queued(event_log: EventLog) -> None:
    unreachable = RabbitJobQueue("amqp://guest:guest@127.0.0.1:1/", connect_timeout_s=3, publish_timeout_s=2)
    job = chat_job()
    try:
        with pytest.raises(EnqueueError):
            await submit_job(unreachable, event_log, job)
    finally:
        await unreachable.close()
    record = await event_log.get_job(job.id)
    assert record is not None
    assert (record.status, record.error) == (
        JobStatus.FAILED, {"code": "enqueue_failed", "message": "the job could not be queued"})
    stream = [message.event async for message in job_event_stream(event_log, job.id, None, keepalive_s=5)]
    assert stream == ["queued", "error"]


async def test_jobs_are_readable_by_their_owner_only(event_log: EventLog) -> None:
    job = chat_job(owner="alice")
    await event_log.create_job(job)
    assert (await get_owned_job(event_log, job.id, "alice")).id == job.id
    for owner, job_id in (("mallory", job.id), ("alice", "job_" + "4" * 32), ("alice", "../" + job.id)):
        with pytest.raises(JobNotFound):
            await get_owned_job(event_log, job_id, owner)
