from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from talkline.jobs import MAX_AUDIO_BYTES, Delivery, EnqueueError, Job, JobQueue
from talkline.jobs.rabbit_queue import RabbitJobQueue
from tests.jobs.conftest import sqlite_queue
from tests.jobs.helpers import chat_job, dead_lettered_ids, voice_job


async def next_delivery(queue: JobQueue) -> Delivery:
    deliveries = queue.consume(prefetch=1)
    try:
        return await asyncio.wait_for(anext(deliveries), 30)
    finally:
        await deliveries.aclose()  # type: ignore[attr-defined]


async def test_a_published_job_is_delivered_whole_and_gone_once_acked(job_queue: JobQueue) -> None:
    first, second = voice_job(), chat_job()
    await job_queue.publish(first)
    await job_queue.publish(second)
    delivery = await next_delivery(job_queue)
    assert delivery.job == first
    await delivery.ack()
    following = await next_delivery(job_queue)
    assert following.job == second  # the acked job did not come back
    await following.ack()


async def test_retry_gives_the_job_back(job_queue: JobQueue) -> None:
    job = chat_job()
    await job_queue.publish(job)
    delivery = await next_delivery(job_queue)
    await delivery.retry()
    again = await next_delivery(job_queue)
    assert again.job.id == job.id
    await again.ack()


async def test_dead_letter_moves_the_job_to_the_dead_letter_queue(job_queue: JobQueue) -> None:
    doomed, other = chat_job(), chat_job()
    await job_queue.publish(doomed)
    delivery = await next_delivery(job_queue)
    await delivery.dead_letter()
    assert await dead_lettered_ids(job_queue, expected=1) == [doomed.id]
    await job_queue.publish(other)
    following = await next_delivery(job_queue)
    assert following.job.id == other.id
    await following.ack()


async def test_rabbit_redelivers_what_a_lost_consumer_left_unacked(rabbit_queue: RabbitJobQueue,
                                                                   broker_url: str) -> None:
    job = chat_job()
    await rabbit_queue.publish(job)
    consumer = RabbitJobQueue(broker_url, queue_name=rabbit_queue.queue_name)
    taken = await next_delivery(consumer)
    assert taken.job.id == job.id
    await consumer.close()  # the connection dies with the job unacked
    again = await next_delivery(rabbit_queue)
    assert again.job.id == job.id
    await again.ack()


async def test_sqlite_queue_keeps_jobs_across_a_restart(tmp_path: Path) -> None:
    job = voice_job()
    before = sqlite_queue(tmp_path)
    await before.publish(job)
    await before.close()
    after = sqlite_queue(tmp_path)
    try:
        delivery = await next_delivery(after)
        assert delivery.job == job
        await delivery.ack()
    finally:
        await after.close()


async def test_sqlite_lease_of_a_dead_process_runs_out_and_the_job_comes_back(tmp_path: Path) -> None:
    job = chat_job()
    crashed = sqlite_queue(tmp_path, lease_s=0.5)
    await crashed.publish(job)
    taken = await next_delivery(crashed)
    assert taken.job.id == job.id
    await crashed.close()  # stops renewing the lease, as a killed process would
    restarted = sqlite_queue(tmp_path, lease_s=0.5)
    try:
        again = await next_delivery(restarted)
        assert again.job.id == job.id
        await again.ack()
    finally:
        await restarted.close()


async def test_sqlite_lease_is_renewed_while_the_job_runs(tmp_path: Path) -> None:
    job = chat_job()
    queue = sqlite_queue(tmp_path, lease_s=0.3)
    other = sqlite_queue(tmp_path, lease_s=0.3)
    try:
        await queue.publish(job)
        held = await next_delivery(queue)
        deliveries = other.consume(prefetch=1)
        stolen = asyncio.ensure_future(anext(deliveries))
        await asyncio.sleep(1.2)  # four lease periods
        assert not stolen.done()
        await held.ack()
        stolen.cancel()
        await asyncio.gather(stolen, return_exceptions=True)
        await deliveries.aclose()
    finally:
        await queue.close()
        await other.close()


async def test_publishing_to_an_unreachable_broker_raises_enqueue_error() -> None:
    queue = RabbitJobQueue("amqp://guest:guest@127.0.0.1:1/", connect_timeout_s=3, publish_timeout_s=2)
    try:
        with pytest.raises(EnqueueError):
            await queue.publish(chat_job())
    finally:
        await queue.close()


async def test_publishing_to_an_unusable_database_raises_enqueue_error(tmp_path: Path) -> None:
    (tmp_path / "not-a-directory").write_text("a file where the data directory should be")
    queue = sqlite_queue(tmp_path / "not-a-directory")
    try:
        with pytest.raises(EnqueueError):
            await queue.publish(chat_job())
    finally:
        await queue.close()


async def test_a_25_mb_upload_travels_whole(job_queue: JobQueue) -> None:
    job = Job(kind="voice", owner="alice", profile="eco", audio=os.urandom(MAX_AUDIO_BYTES))
    await job_queue.publish(job)
    delivery = await next_delivery(job_queue)
    assert delivery.job.audio == job.audio
    await delivery.ack()
