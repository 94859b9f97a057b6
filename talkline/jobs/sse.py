"""A job's event log as Server-Sent Events, resumable exactly with `Last-Event-ID`.

    record = await get_owned_job(backends.events, job_id, owner)          # 404 before streaming
    stream = job_event_stream(backends.events, job_id, request.headers.get("last-event-id"),
                              settings.sse_keepalive_seconds)             # InvalidEventId: 400
    return EventSourceResponse(stream)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from sse_starlette import ServerSentEvent

from talkline.jobs.errors import EventLogUnavailable
from talkline.jobs.job import JobEvent, dump_data
from talkline.jobs.ports import EventLog

KEEPALIVE_COMMENT = "keepalive"
RETRY_PAUSE_S = (0.2, 0.5, 1.0, 2.0)  # between attempts while the event log is unreachable

log = logging.getLogger(__name__)


def job_event_stream(events: EventLog, job_id: str, last_event_id: str | None,
                     keepalive_s: float) -> AsyncIterator[ServerSentEvent]:
    """Every event after `last_event_id` (all of them when None): `id` is the log's event id,
    `event` the type, `data` its JSON. Keepalive comments while waiting; ends after the terminal
    event, or at once when the job already ended before the cursor or no longer exists.
    While the event log is unreachable the stream stays open, sending keepalives and retrying, and
    resumes after the last event it sent: the client sees a pause, never a gap or a duplicate.

    Raises InvalidEventId now, before any response starts, for an id this log never issues."""
    cursor = events.check_event_id(last_event_id) if last_event_id else None
    return _stream(events, job_id, cursor, keepalive_s)


async def _stream(events: EventLog, job_id: str, cursor: str | None,
                  keepalive_s: float) -> AsyncIterator[ServerSentEvent]:
    failures = 0
    while True:
        try:
            batch = await _next_batch(events, job_id, cursor, keepalive_s)
        except EventLogUnavailable as exc:
            if failures == 0:
                log.warning("job %s: %s; the stream waits and retries", job_id, exc)
            await asyncio.sleep(RETRY_PAUSE_S[min(failures, len(RETRY_PAUSE_S) - 1)])
            failures += 1
            yield ServerSentEvent(comment=KEEPALIVE_COMMENT)
            continue
        if failures:
            log.info("job %s: the event log answers again after %d failed attempts", job_id, failures)
            failures = 0
        if batch is None:
            return
        if not batch:
            yield ServerSentEvent(comment=KEEPALIVE_COMMENT)
        for event in batch:
            yield sse_message(event)
            cursor = event.id
            if event.terminal:
                return


async def _next_batch(events: EventLog, job_id: str, cursor: str | None,
                      keepalive_s: float) -> list[JobEvent] | None:
    """The events after `cursor` ([] after waiting `keepalive_s` for none), or None when the job ended."""
    batch = await events.read(job_id, cursor)
    if batch:
        return batch
    if await _ended(events, job_id):
        # the terminal event may have been written between the read and the status check
        return await events.read(job_id, cursor) or None
    return await events.wait(job_id, cursor, keepalive_s)


async def _ended(events: EventLog, job_id: str) -> bool:
    record = await events.get_job(job_id)
    return record is None or record.status.finished


def sse_message(event: JobEvent) -> ServerSentEvent:
    return ServerSentEvent(dump_data(event.data), event=event.type, id=event.id)
