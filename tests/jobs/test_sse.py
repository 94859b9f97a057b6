from __future__ import annotations

import asyncio
import json

import pytest
from sse_starlette import ServerSentEvent

from talkline.jobs import EventLog, InvalidEventId, JobOutcome, job_event_stream
from tests.jobs.helpers import chat_job


async def collect(stream) -> list[ServerSentEvent]:
    async with asyncio.timeout(30):
        return [message async for message in stream]


async def finished_job(events: EventLog, tokens: int = 5) -> str:
    job = chat_job()
    await events.create_job(job)
    for seq in range(1, tokens + 1):
        await events.append(job.id, seq, "token", {"content": f"t{seq}", "seq": seq})
    await events.finish(job.id, JobOutcome.done({"text": "t1t2t3t4t5"}))
    return job.id


async def test_the_stream_carries_every_event_with_its_log_id_and_ends_after_done(event_log: EventLog) -> None:
    job_id = await finished_job(event_log)
    messages = await collect(job_event_stream(event_log, job_id, None, keepalive_s=5))
    logged = await event_log.read(job_id)
    assert [message.id for message in messages] == [event.id for event in logged]
    assert [message.event for message in messages] == ["queued"] + ["token"] * 5 + ["done"]
    assert [json.loads(message.data) for message in messages] == [event.data for event in logged]
    assert b"event: done" in messages[-1].encode()


async def test_reconnecting_with_last_event_id_resumes_exactly(event_log: EventLog) -> None:
    job_id = await finished_job(event_log)
    everything = await collect(job_event_stream(event_log, job_id, None, keepalive_s=5))
    for index in (0, 2, 5):
        resumed = await collect(job_event_stream(event_log, job_id, everything[index].id, keepalive_s=5))
        assert [message.id for message in resumed] == [message.id for message in everything[index + 1:]]
    after_the_end = await collect(job_event_stream(event_log, job_id, everything[-1].id, keepalive_s=5))
    assert after_the_end == []


async def test_a_live_stream_sends_keepalives_then_follows_the_job_to_its_end(event_log: EventLog) -> None:
    job = chat_job()
    await event_log.create_job(job)
    stream = job_event_stream(event_log, job.id, None, keepalive_s=0.1)
    queued = await anext(stream)
    keepalives = [await anext(stream) for _ in range(2)]  # nothing happens: the stream keeps alive
    assert queued.event == "queued"
    assert [message.comment for message in keepalives] == ["keepalive", "keepalive"]
    assert keepalives[0].encode().startswith(b": keepalive")
    await event_log.append(job.id, 1, "token", {"content": "late"})
    await event_log.finish(job.id, JobOutcome.failed("job_timeout", "too slow"))
    rest = await collect(stream)
    assert [message.event for message in rest if message.comment is None] == ["token", "error"]


async def test_a_stream_from_a_middle_id_waits_for_the_rest_live(event_log: EventLog) -> None:
    job = chat_job()
    await event_log.create_job(job)
    first = await event_log.append(job.id, 1, "token", {"content": "a"})
    await event_log.append(job.id, 2, "token", {"content": "b"})
    resumed = asyncio.create_task(collect(job_event_stream(event_log, job.id, first, keepalive_s=0.1)))
    await asyncio.sleep(0.3)
    await event_log.append(job.id, 3, "token", {"content": "c"})
    await event_log.finish(job.id, JobOutcome.done({}))
    messages = [message for message in await resumed if message.comment is None]
    assert [json.loads(message.data).get("content") for message in messages] == ["b", "c", None]


async def test_an_unknown_job_stream_ends_at_once(event_log: EventLog) -> None:
    assert await collect(job_event_stream(event_log, "job_" + "3" * 32, None, keepalive_s=5)) == []


async def test_a_foreign_last_event_id_is_refused_before_streaming(event_log: EventLog) -> None:
    with pytest.raises(InvalidEventId):
        job_event_stream(event_log, "job_" + "3" * 32, "not-an-id\n", keepalive_s=5)


async def test_a_redis_stream_outlives_a_quiet_queue_longer_than_the_socket_timeout(
        redis_events: EventLog) -> None:
    """Regression (issue 13, defect 1): a job waits in the queue for 7 s (no worker yet) while the
    stream blocks in XREAD for 6.5 s at a time, longer than redis-py's default 5 s socket timeout.
    The client sees keepalives while it waits, then every event exactly once and the terminal one."""
    job = chat_job()
    await redis_events.create_job(job)
    stream = job_event_stream(redis_events, job.id, None, keepalive_s=6.5)
    reading = asyncio.create_task(collect_within(stream, 40))
    await asyncio.sleep(7.0)  # the queue is quiet: no worker took the job yet
    for seq in range(1, 4):
        await redis_events.append(job.id, seq, "token", {"content": f"t{seq}", "seq": seq})
    await redis_events.finish(job.id, JobOutcome.done({"text": "t1t2t3"}))
    messages = await reading
    events = [message for message in messages if message.comment is None]
    assert [message.event for message in events] == ["queued", "token", "token", "token", "done"]
    assert len({message.id for message in events}) == len(events)
    assert any(message.comment == "keepalive" for message in messages[1:2]), "no keepalive while queued"


async def collect_within(stream, seconds: float) -> list[ServerSentEvent]:
    async with asyncio.timeout(seconds):
        return [message async for message in stream]
