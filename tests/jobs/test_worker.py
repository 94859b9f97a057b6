from __future__ import annotations

import asyncio
import logging
from collections import Counter
from pathlib import Path

import pytest

from talkline.jobs import (
    Backends,
    Job,
    JobEvents,
    JobFailed,
    JobOutcome,
    JobStatus,
    Worker,
    create_backends,
    in_process_worker,
    submit_job,
)
from talkline.jobs.rabbit_queue import RabbitJobQueue
from talkline.jobs.redis_events import RedisEventLog
from talkline.jobs.sqlite_events import SqliteEventLog
from talkline.jobs.sqlite_queue import SqliteJobQueue
from talkline.settings import Settings
from tests.jobs.helpers import chat_job, dead_lettered_ids, events_until, events_until_terminal, running

TOKENS = ["Rinse ", "the ", "bottle, ", "remove ", "the ", "label."]


class Pipeline:
    """A deterministic stand-in for the turn pipeline: same job in, same events out."""

    def __init__(self, fail_attempts: int = 0, fail_after: int = 2) -> None:
        self.calls: Counter[str] = Counter()
        self._fail_attempts = fail_attempts
        self._fail_after = fail_after

    async def __call__(self, job: Job, events: JobEvents) -> None:
        self.calls[job.id] += 1
        for index, token in enumerate(TOKENS):
            if job.attempt <= self._fail_attempts and index == self._fail_after:
                raise RuntimeError(f"engine crashed on attempt {job.attempt}")
            await events.emit("token", {"content": token, "seq": index})
        await events.emit("done", {"text": "".join(TOKENS), "attempt": job.attempt})


def worker(backends: Backends, handler, **options) -> Worker:
    return Worker(backends.queue, backends.events, handler, **{"job_timeout_s": 30.0, "max_retries": 2, **options})


async def test_a_job_runs_once_and_ends_with_one_done(backends: Backends) -> None:
    pipeline = Pipeline()
    job, later = chat_job(), chat_job()
    await submit_job(backends.queue, backends.events, job)
    async with running(worker(backends, pipeline)):
        events = await events_until_terminal(backends.events, job.id)
        await submit_job(backends.queue, backends.events, later)
        await events_until_terminal(backends.events, later.id)
    assert [event.type for event in events] == ["queued"] + ["token"] * len(TOKENS) + ["done"]
    assert [event.seq for event in events] == list(range(len(TOKENS) + 2))
    assert events[-1].data == {"text": "".join(TOKENS), "attempt": 1}
    record = await backends.events.get_job(job.id)
    assert record is not None
    assert (record.status, record.attempt, record.result) == (JobStatus.SUCCEEDED, 1, events[-1].data)
    assert pipeline.calls == {job.id: 1, later.id: 1}  # acked: never delivered again


async def test_a_failed_attempt_is_retried_and_the_stream_has_no_duplicates(backends: Backends) -> None:
    pipeline = Pipeline(fail_attempts=1, fail_after=3)
    job = chat_job()
    await submit_job(backends.queue, backends.events, job)
    async with running(worker(backends, pipeline)):
        events = await events_until_terminal(backends.events, job.id)
    assert [event.seq for event in events] == list(range(len(TOKENS) + 2))
    assert "".join(event.data["content"] for event in events if event.type == "token") == "".join(TOKENS)
    assert [event.type for event in events].count("done") == 1
    assert events[-1].data["attempt"] == 2
    record = await backends.events.get_job(job.id)
    assert record is not None and (record.status, record.attempt) == (JobStatus.SUCCEEDED, 2)
    assert await dead_lettered_ids(backends.queue) == []


async def test_exhausted_retries_end_with_an_error_event_and_a_dead_letter(backends: Backends) -> None:
    pipeline = Pipeline(fail_attempts=99)
    job = chat_job()
    await submit_job(backends.queue, backends.events, job)
    async with running(worker(backends, pipeline, max_retries=2)):
        events = await events_until_terminal(backends.events, job.id)
    assert events[-1].type == "error"
    assert events[-1].data == {"code": "internal_error", "message": "the job failed on the server"}
    assert [event.type for event in events].count("error") == 1
    assert pipeline.calls[job.id] == 3
    record = await backends.events.get_job(job.id)
    assert record is not None and (record.status, record.attempt) == (JobStatus.FAILED, 3)
    assert await dead_lettered_ids(backends.queue, expected=1) == [job.id]


async def test_a_job_over_its_timeout_ends_with_a_timeout_error(backends: Backends) -> None:
    async def never_finishes(job: Job, events: JobEvents) -> None:
        await events.emit("token", {"content": "thinking"})
        await asyncio.Event().wait()

    job = chat_job()
    await submit_job(backends.queue, backends.events, job)
    async with running(worker(backends, never_finishes, job_timeout_s=0.3, max_retries=0)):
        events = await events_until_terminal(backends.events, job.id)
    assert [event.type for event in events] == ["queued", "token", "error"]
    assert events[-1].data["code"] == "job_timeout"
    assert await dead_lettered_ids(backends.queue, expected=1) == [job.id]


async def test_a_non_retryable_failure_ends_the_job_at_once(backends: Backends) -> None:
    calls = Counter[str]()

    async def bad_input(job: Job, events: JobEvents) -> None:
        calls[job.id] += 1
        raise JobFailed("invalid_audio", "the upload is not audio")

    job = chat_job()
    await submit_job(backends.queue, backends.events, job)
    async with running(worker(backends, bad_input)):
        events = await events_until_terminal(backends.events, job.id)
    assert events[-1].data == {"code": "invalid_audio", "message": "the upload is not audio"}
    assert calls[job.id] == 1
    assert await dead_lettered_ids(backends.queue) == []


async def test_a_job_that_keeps_killing_its_workers_is_failed_without_running_again(backends: Backends) -> None:
    pipeline = Pipeline()
    job = chat_job()
    await submit_job(backends.queue, backends.events, job)
    for _ in range(3):  # what three workers killed mid-job leave behind in the record
        await backends.events.start_attempt(job.id)
    async with running(worker(backends, pipeline, max_retries=2)):
        events = await events_until_terminal(backends.events, job.id)
    assert events[-1].data["code"] == "retries_exhausted"
    assert pipeline.calls[job.id] == 0
    assert await dead_lettered_ids(backends.queue, expected=1) == [job.id]


async def test_a_redelivered_finished_job_is_only_acked(backends: Backends) -> None:
    pipeline = Pipeline()
    job, later = chat_job(), chat_job()
    await backends.events.create_job(job)
    await backends.events.finish(job.id, JobOutcome.done({"text": "already"}))
    await backends.queue.publish(job)  # as if the worker died between the terminal event and the ack
    await submit_job(backends.queue, backends.events, later)
    async with running(worker(backends, pipeline)):
        await events_until_terminal(backends.events, later.id)
    assert pipeline.calls == {later.id: 1}
    assert [event.type for event in await backends.events.read(job.id)] == ["queued", "done"]


async def test_concurrent_jobs_all_finish(backends: Backends) -> None:
    async def slow(job: Job, events: JobEvents) -> None:
        await asyncio.sleep(0.1)
        await events.emit("token", {"content": job.text})

    jobs = [chat_job() for _ in range(5)]
    for job in jobs:
        await submit_job(backends.queue, backends.events, job)
    async with running(worker(backends, slow, concurrency=3)):
        finished = [await events_until_terminal(backends.events, job.id) for job in jobs]
    assert all([event.type for event in events] == ["queued", "token", "done"] for events in finished)


async def test_handler_failures_are_logged_without_secrets(sqlite_job_queue: SqliteJobQueue,
                                                           sqlite_event_log: SqliteEventLog,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    async def leaky(job: Job, events: JobEvents) -> None:
        raise ConnectionError("cannot reach https://bot:hunter2@llm.internal/v1 with Bearer sk-abcdef123456")

    job = chat_job()
    await submit_job(sqlite_job_queue, sqlite_event_log, job)
    with caplog.at_level(logging.ERROR, logger="talkline.jobs"):
        async with running(Worker(sqlite_job_queue, sqlite_event_log, leaky, max_retries=0)):
            events = await events_until_terminal(sqlite_event_log, job.id)
    assert events[-1].data["code"] == "internal_error"
    logged = caplog.text
    assert "ConnectionError" in logged and job.id in logged
    assert "hunter2" not in logged and "sk-abcdef123456" not in logged
    assert "hunter2" not in str(events[-1].data)


async def test_job_events_refuses_error_and_keeps_done_for_the_worker(sqlite_event_log: SqliteEventLog) -> None:
    job = chat_job()
    await sqlite_event_log.create_job(job)
    events = JobEvents(sqlite_event_log, job.id)
    await events.emit("token", {"content": "a"})
    with pytest.raises(ValueError):
        await events.emit("error", {"code": "x"})
    await events.emit("done", {"text": "a"})
    with pytest.raises(ValueError):
        await events.emit("token", {"content": "after done"})
    assert events.seq == 1 and events.result == {"text": "a"}
    assert [event.type for event in await sqlite_event_log.read(job.id)] == ["queued", "token"]


def test_create_backends_chooses_by_settings(tmp_path: Path) -> None:
    embedded = create_backends(Settings(data_dir=tmp_path))
    assert isinstance(embedded.queue, SqliteJobQueue) and isinstance(embedded.events, SqliteEventLog)
    distributed = create_backends(Settings(data_dir=tmp_path, broker_url="amqp://guest:guest@127.0.0.1/",
                                           redis_url="redis://127.0.0.1:6379/"), name_prefix="x.")
    assert isinstance(distributed.queue, RabbitJobQueue) and isinstance(distributed.events, RedisEventLog)
    assert distributed.queue.queue_name == "x.voice.process"
    assert distributed.queue.dead_letter_queue == "dlq.x.voice.process"


async def test_embedded_job_survives_a_server_restart(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, job_timeout_seconds=30)
    job = chat_job()
    before = create_backends(settings)
    await submit_job(before.queue, before.events, job)
    await before.close()  # the server stops before any worker took the job

    after = create_backends(settings)
    try:
        async with in_process_worker(after, Pipeline(), settings, concurrency=1):
            events = await events_until_terminal(after.events, job.id)
        assert events[-1].type == "done"
        record = await after.events.get_job(job.id)
        assert record is not None and record.status is JobStatus.SUCCEEDED
    finally:
        await after.close()


async def test_a_hard_stopped_worker_gives_its_job_back(backends: Backends) -> None:
    async def slow(job: Job, events: JobEvents) -> None:
        for index in range(4):
            await events.emit("token", {"content": str(index)})
            await asyncio.sleep(0.2)

    job = chat_job()
    await submit_job(backends.queue, backends.events, job)
    interrupted = asyncio.create_task(worker(backends, slow).run())
    await events_until(backends.events, job.id, count=2)
    interrupted.cancel()
    await asyncio.gather(interrupted, return_exceptions=True)
    assert interrupted.cancelled()
    async with running(worker(backends, slow)):
        events = await events_until_terminal(backends.events, job.id)
    assert [event.seq for event in events] == list(range(6))
    record = await backends.events.get_job(job.id)
    assert record is not None and (record.status, record.attempt) == (JobStatus.SUCCEEDED, 2)
