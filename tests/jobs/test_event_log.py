from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from talkline.jobs import EventLog, InvalidEventId, JobClosed, JobNotFound, JobOutcome, JobStatus
from talkline.jobs.redis_events import RedisEventLog
from talkline.jobs.sqlite_events import SqliteEventLog
from tests.jobs.conftest import delete_redis_keys, sqlite_events
from tests.jobs.helpers import chat_job


async def test_a_new_job_is_queued_with_its_queued_event(event_log: EventLog) -> None:
    job = chat_job(session_id="sess_1")
    record = await event_log.create_job(job)
    assert (record.status, record.attempt, record.owner) == (JobStatus.QUEUED, 0, "alice")
    assert await event_log.get_job(job.id) == record
    [queued] = await event_log.read(job.id)
    assert (queued.seq, queued.type, queued.data) == (0, "queued", {"job_id": job.id, "status": "queued"})
    assert await event_log.get_job("job_" + "0" * 32) is None


async def test_appends_are_idempotent_by_seq(event_log: EventLog) -> None:
    job = chat_job()
    await event_log.create_job(job)
    first_ids = [await event_log.append(job.id, seq, "token", {"content": f"a{seq}"}) for seq in (1, 2, 3)]
    assert all(first_ids) and len(set(first_ids)) == 3
    # a retried attempt re-emits seq 1..3 (here with other content) and continues with 4
    repeats = [await event_log.append(job.id, seq, "token", {"content": f"b{seq}"}) for seq in (1, 2, 3)]
    assert repeats == [None, None, None]
    assert await event_log.append(job.id, 4, "token", {"content": "b4"}) is not None
    events = await event_log.read(job.id)
    assert [event.seq for event in events] == [0, 1, 2, 3, 4]
    assert [event.data.get("content") for event in events] == [None, "a1", "a2", "a3", "b4"]
    assert [event.id for event in events[1:4]] == first_ids


async def test_resume_after_any_event_gives_exactly_the_rest(event_log: EventLog) -> None:
    job = chat_job()
    await event_log.create_job(job)
    for seq in range(1, 8):
        await event_log.append(job.id, seq, "token", {"content": str(seq)})
    await event_log.finish(job.id, JobOutcome.done({"text": "1234567"}))
    everything = await event_log.read(job.id)
    assert [event.seq for event in everything] == list(range(9))
    for index in (0, 1, 4, 7, 8):
        rest = await event_log.read(job.id, after=everything[index].id)
        assert rest == everything[index + 1:]
    assert await event_log.read(job.id, after=everything[2].id, limit=3) == everything[3:6]


async def test_finish_writes_one_terminal_event_after_everything_else(event_log: EventLog) -> None:
    job = chat_job()
    await event_log.create_job(job)
    for seq in (1, 2, 3):
        await event_log.append(job.id, seq, "token", {"content": str(seq)})
    assert await event_log.finish(job.id, JobOutcome.done({"text": "123"})) is True
    assert await event_log.finish(job.id, JobOutcome.failed("internal_error", "late")) is False
    events = await event_log.read(job.id)
    assert [(event.seq, event.type) for event in events][-1] == (4, "done")
    assert sum(event.terminal for event in events) == 1
    record = await event_log.get_job(job.id)
    assert record is not None
    assert (record.status, record.result, record.error) == (JobStatus.SUCCEEDED, {"text": "123"}, None)
    assert record.finished_at is not None
    with pytest.raises(JobClosed):
        await event_log.append(job.id, 5, "token", {"content": "after the end"})


async def test_a_failed_job_records_its_error(event_log: EventLog) -> None:
    job = chat_job()
    await event_log.create_job(job)
    await event_log.finish(job.id, JobOutcome.failed("job_timeout", "too slow"))
    record = await event_log.get_job(job.id)
    assert record is not None
    assert (record.status, record.error) == (JobStatus.FAILED, {"code": "job_timeout", "message": "too slow"})
    assert (await event_log.read(job.id))[-1].type == "error"


async def test_start_attempt_counts_attempts_until_the_job_finished(event_log: EventLog) -> None:
    job = chat_job()
    await event_log.create_job(job)
    assert [(await event_log.start_attempt(job.id)).attempt for _ in range(3)] == [1, 2, 3]
    await event_log.finish(job.id, JobOutcome.done({}))
    after_end = await event_log.start_attempt(job.id)
    assert after_end is not None
    assert (after_end.status, after_end.attempt) == (JobStatus.SUCCEEDED, 3)
    assert await event_log.start_attempt("job_" + "1" * 32) is None


async def test_unknown_jobs_and_bad_events_are_refused(event_log: EventLog) -> None:
    with pytest.raises(JobNotFound):
        await event_log.append("job_" + "2" * 32, 1, "token", {})
    with pytest.raises(JobNotFound):
        await event_log.finish("job_" + "2" * 32, JobOutcome.done({}))
    job = chat_job()
    await event_log.create_job(job)
    with pytest.raises(ValueError):
        await event_log.append(job.id, 0, "token", {})
    with pytest.raises(ValueError):
        await event_log.append(job.id, 1, "Bad\nType", {})
    with pytest.raises(TypeError):
        await event_log.append(job.id, 1, "token", {"not json": object()})


async def test_event_ids_from_elsewhere_are_refused(event_log: EventLog) -> None:
    for bad in ("abc", "1; DROP TABLE", "-1", "1-2-3", ""):
        with pytest.raises(InvalidEventId):
            event_log.check_event_id(bad)
    job = chat_job()
    await event_log.create_job(job)
    [queued] = await event_log.read(job.id)
    assert event_log.check_event_id(queued.id) == queued.id


async def test_wait_blocks_until_the_next_event_arrives(event_log: EventLog) -> None:
    job = chat_job()
    await event_log.create_job(job)
    [queued] = await event_log.read(job.id)
    waiting = asyncio.create_task(event_log.wait(job.id, queued.id, 30.0))
    await asyncio.sleep(0.2)
    assert not waiting.done()
    await event_log.append(job.id, 1, "token", {"content": "hi"})
    [event] = await asyncio.wait_for(waiting, 30.0)
    assert (event.seq, event.data) == (1, {"content": "hi"})


async def test_wait_returns_nothing_when_no_event_comes(event_log: EventLog) -> None:
    job = chat_job()
    await event_log.create_job(job)
    [queued] = await event_log.read(job.id)
    assert await event_log.wait(job.id, queued.id, 0.2) == []
    assert await event_log.wait(job.id, None, 0.2) == [queued]


async def test_sqlite_readers_in_another_process_see_appends_by_polling(tmp_path: Path) -> None:
    writer, reader = sqlite_events(tmp_path), sqlite_events(tmp_path)  # two connections, no shared signals
    try:
        job = chat_job()
        await writer.create_job(job)
        [queued] = await reader.read(job.id)
        waiting = asyncio.create_task(reader.wait(job.id, queued.id, 30.0))
        await asyncio.sleep(0.2)
        await writer.append(job.id, 1, "token", {"content": "across"})
        [event] = await asyncio.wait_for(waiting, 30.0)
        assert event.data == {"content": "across"}
    finally:
        await writer.close()
        await reader.close()


async def test_sqlite_purges_finished_jobs_after_the_retention(tmp_path: Path) -> None:
    events = SqliteEventLog(tmp_path / "events.db", retention_s=0.0)
    try:
        finished, running = chat_job(), chat_job()
        for job in (finished, running):
            await events.create_job(job)
            await events.append(job.id, 1, "token", {"content": "x"})
        await events.finish(finished.id, JobOutcome.done({}))
        await asyncio.sleep(0.05)
        assert await events.purge_expired() == 1
        assert await events.get_job(finished.id) is None
        assert await events.read(finished.id) == []
        assert len(await events.read(running.id)) == 2
        assert await events.purge_expired() == 0
    finally:
        await events.close()


async def test_sqlite_keeps_finished_jobs_within_the_retention(sqlite_event_log: SqliteEventLog) -> None:
    job = chat_job()
    await sqlite_event_log.create_job(job)
    await sqlite_event_log.finish(job.id, JobOutcome.done({}))
    assert await sqlite_event_log.purge_expired() == 0
    assert len(await sqlite_event_log.read(job.id)) == 2


async def test_redis_job_keys_carry_the_retention_ttl(redis_events: RedisEventLog, redis_url: str,
                                                      prefix: str) -> None:
    import redis.asyncio as aioredis

    job = chat_job()
    await redis_events.create_job(job)
    await redis_events.finish(job.id, JobOutcome.done({}))
    client = aioredis.Redis.from_url(redis_url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        assert len(keys) == 2
        for key in keys:
            assert 0 < await client.ttl(key) <= 3600
    finally:
        await client.aclose()


async def test_redis_job_keys_expire_after_the_retention(redis_url: str, prefix: str) -> None:
    events = RedisEventLog(redis_url, 1, namespace=f"{prefix}talkline")
    try:
        job = chat_job()
        await events.create_job(job)
        await events.finish(job.id, JobOutcome.done({}))
        assert await events.get_job(job.id) is not None
        for _ in range(50):  # Redis expires keys within a second or so of their TTL
            if await events.get_job(job.id) is None:
                break
            await asyncio.sleep(0.2)
        assert await events.get_job(job.id) is None
        assert await events.read(job.id) == []
    finally:
        await events.close()
        await delete_redis_keys(redis_url, prefix)
