"""Issue 13: a stopping worker (SIGTERM) waits for its running jobs only up to its stop grace, then hands
them back to the queue, so a shutdown takes seconds, not a job's whole timeout, and no job is lost: the
next worker runs it to one `done`."""

from __future__ import annotations

import asyncio

from talkline.jobs import Backends, Job, JobEvents, JobStatus, Worker, submit_job
from tests.jobs.helpers import chat_job, events_until, events_until_terminal, running


class _SlowFirstAttempt:
    def __init__(self) -> None:
        self.interrupted = asyncio.Event()

    async def __call__(self, job: Job, events: JobEvents) -> None:
        await events.emit("token", {"content": "Rinse ", "seq": 0})
        if job.attempt == 1:
            try:
                await asyncio.sleep(120)
            except asyncio.CancelledError:
                self.interrupted.set()
                raise
        await events.emit("done", {"text": "Rinse it.", "attempt": job.attempt})


async def test_a_stopping_worker_hands_its_running_job_back_after_the_grace(backends: Backends) -> None:
    handler = _SlowFirstAttempt()
    job = chat_job()
    await submit_job(backends.queue, backends.events, job)
    stopping = Worker(backends.queue, backends.events, handler, job_timeout_s=300, stop_grace_s=0.5)
    run = asyncio.create_task(stopping.run())
    await events_until(backends.events, job.id, 2)  # queued, the first token
    stopping.stop()
    async with asyncio.timeout(20):  # far below the 120 s the job would take, and its 300 s timeout
        await run
    assert handler.interrupted.is_set()
    record = await backends.events.get_job(job.id)
    assert record is not None and not record.status.finished
    async with running(Worker(backends.queue, backends.events, handler, job_timeout_s=30)):
        events = await events_until_terminal(backends.events, job.id)
    assert [event.type for event in events].count("done") == 1
    assert events[-1].data == {"text": "Rinse it.", "attempt": 2}
    assert [event.seq for event in events] == sorted({event.seq for event in events})
    assert (await backends.events.get_job(job.id)).status == JobStatus.SUCCEEDED  # type: ignore[union-attr]
