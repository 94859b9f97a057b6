"""Small helpers shared by the job tests."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aio_pika

from talkline.jobs import EventLog, Job, JobEvent, JobQueue, Worker
from talkline.jobs.rabbit_queue import RabbitJobQueue
from talkline.jobs.sqlite_queue import SqliteJobQueue
from tests.jobs.conftest import BROKER_URL


def chat_job(owner: str = "alice", **fields: Any) -> Job:
    return Job(kind="chat", owner=owner, profile="eco", text="how do I recycle a PET bottle?", **fields)


def voice_job(owner: str = "alice") -> Job:
    # bytes that include newlines and NULs, as real audio does
    return Job(kind="voice", owner=owner, profile="eco", audio=bytes(range(256)) * 40 + b"\n\n\x00")


async def events_until_terminal(events: EventLog, job_id: str, within_s: float = 60.0) -> list[JobEvent]:
    """All of a job's events, waiting (up to `within_s`) until its terminal event is in the log."""
    collected: list[JobEvent] = []
    async with asyncio.timeout(within_s):
        while not (collected and collected[-1].terminal):
            cursor = collected[-1].id if collected else None
            collected += await events.wait(job_id, cursor, 1.0)
    return collected


async def events_until(events: EventLog, job_id: str, count: int, within_s: float = 60.0) -> list[JobEvent]:
    collected: list[JobEvent] = []
    async with asyncio.timeout(within_s):
        while len(collected) < count:
            collected += await events.wait(job_id, collected[-1].id if collected else None, 1.0)
    return collected


@contextlib.asynccontextmanager
async def running(worker: Worker) -> AsyncIterator[Worker]:
    task = asyncio.create_task(worker.run())
    try:
        yield worker
    finally:
        worker.stop()
        async with asyncio.timeout(60):
            await task


async def dead_lettered_ids(queue: JobQueue, expected: int = 0, within_s: float = 10.0) -> list[str]:
    """Ids in the dead-letter queue, waiting up to `within_s` until there are `expected` of them
    (RabbitMQ routes dead letters asynchronously)."""
    ids: list[str] = []
    async with asyncio.timeout(within_s):
        while True:
            if isinstance(queue, SqliteJobQueue):
                ids = [job.id for job in await queue.dead_letters()]
            else:
                assert isinstance(queue, RabbitJobQueue)
                ids += await _rabbit_dead_letters(queue)
            if len(ids) >= expected:
                return ids
            await asyncio.sleep(0.05)


async def _rabbit_dead_letters(queue: RabbitJobQueue) -> list[str]:
    """Reads (and removes) what sits in the dead-letter queue."""
    connection = await aio_pika.connect(BROKER_URL)
    try:
        channel = await connection.channel()
        dlq = await channel.declare_queue(queue.dead_letter_queue, passive=True)
        ids = []
        while (message := await dlq.get(no_ack=True, fail=False)) is not None:
            ids.append(Job.from_wire(message.body).id)
        return ids
    finally:
        await connection.close()
