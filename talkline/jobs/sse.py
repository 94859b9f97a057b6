"""A job's event log as Server-Sent Events, resumable exactly with `Last-Event-ID`.

    record = await get_owned_job(backends.events, job_id, owner)          # 404 before streaming
    stream = job_event_stream(backends.events, job_id, request.headers.get("last-event-id"),
                              settings.sse_keepalive_seconds)             # InvalidEventId: 400
    return EventSourceResponse(stream)
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from sse_starlette import ServerSentEvent

from talkline.jobs.job import JobEvent, dump_data
from talkline.jobs.ports import EventLog

KEEPALIVE_COMMENT = "keepalive"


def job_event_stream(events: EventLog, job_id: str, last_event_id: str | None,
                     keepalive_s: float) -> AsyncIterator[ServerSentEvent]:
    """Every event after `last_event_id` (all of them when None): `id` is the log's event id,
    `event` the type, `data` its JSON. Keepalive comments while waiting; ends after the terminal
    event, or at once when the job already ended before the cursor or no longer exists.

    Raises InvalidEventId now, before any response starts, for an id this log never issues."""
    cursor = events.check_event_id(last_event_id) if last_event_id else None
    return _stream(events, job_id, cursor, keepalive_s)


async def _stream(events: EventLog, job_id: str, cursor: str | None,
                  keepalive_s: float) -> AsyncIterator[ServerSentEvent]:
    while True:
        batch = await events.read(job_id, cursor)
        if not batch:
            if await _ended(events, job_id):
                # the terminal event may have been written between the read and the status check
                if not (batch := await events.read(job_id, cursor)):
                    return
            else:
                batch = await events.wait(job_id, cursor, keepalive_s)
        if not batch:
            yield ServerSentEvent(comment=KEEPALIVE_COMMENT)
        for event in batch:
            yield sse_message(event)
            cursor = event.id
            if event.terminal:
                return


async def _ended(events: EventLog, job_id: str) -> bool:
    record = await events.get_job(job_id)
    return record is None or record.status.finished


def sse_message(event: JobEvent) -> ServerSentEvent:
    return ServerSentEvent(dump_data(event.data), event=event.type, id=event.id)
