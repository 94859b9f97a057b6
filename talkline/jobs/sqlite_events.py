"""Embedded event log: job records and events in one SQLite file (WAL), for the one-process default.

Event ids are the events table's AUTOINCREMENT row ids, so they only grow, also across purges.
Readers in this process wake at once on an append; readers elsewhere poll every `poll_s`.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from typing import Any

import aiosqlite

from talkline.jobs.errors import InvalidEventId, JobClosed, JobNotFound
from talkline.jobs.job import (
    Job,
    JobEvent,
    JobOutcome,
    JobRecord,
    JobStatus,
    check_event,
    dump_data,
    queued_event_data,
    queued_record,
)
from talkline.jobs.signals import Signals, sleep_until_woken
from talkline.jobs.sqlite_db import SqliteDatabase

_SCHEMA = """
CREATE TABLE IF NOT EXISTS job_records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    owner TEXT NOT NULL,
    session_id TEXT,
    profile TEXT NOT NULL,
    status TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    finished_at REAL,
    result TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS job_records_finished ON job_records (finished_at);
CREATE TABLE IF NOT EXISTS job_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    ts REAL NOT NULL,
    UNIQUE (job_id, seq)
);
CREATE INDEX IF NOT EXISTS job_events_by_job ON job_events (job_id, id);
"""
_EVENT_ID = re.compile(r"[0-9]{1,18}")
_INSERT_EVENT = "INSERT OR IGNORE INTO job_events (job_id, seq, type, data, ts) VALUES (?, ?, ?, ?, ?)"


class SqliteEventLog:
    def __init__(self, path: Path, retention_s: float, *, poll_s: float = 0.25) -> None:
        self._db = SqliteDatabase(path, _SCHEMA)
        self._retention_s = retention_s
        self._poll_s = poll_s
        self._signals = Signals()

    async def create_job(self, job: Job) -> JobRecord:
        record = queued_record(job)
        async with self._db.transaction() as db:
            await db.execute(
                "INSERT INTO job_records (id, kind, owner, session_id, profile, status, attempt,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (record.id, record.kind, record.owner, record.session_id, record.profile,
                 record.status.value, record.attempt, record.created_at, record.updated_at))
            await db.execute(_INSERT_EVENT, (job.id, 0, "queued", dump_data(queued_event_data(job.id)),
                                             time.time()))
        self._signals.notify(job.id)
        return record

    async def get_job(self, job_id: str) -> JobRecord | None:
        rows = await self._db.fetchall("SELECT * FROM job_records WHERE id = ?", (job_id,))
        return _record(rows[0]) if rows else None

    async def start_attempt(self, job_id: str) -> JobRecord | None:
        async with self._db.transaction() as db:
            await db.execute(
                "UPDATE job_records SET attempt = attempt + 1, status = ?, updated_at = ?"
                " WHERE id = ? AND status IN (?, ?)",
                (JobStatus.RUNNING.value, time.time(), job_id, JobStatus.QUEUED.value, JobStatus.RUNNING.value))
            rows = await db.execute_fetchall("SELECT * FROM job_records WHERE id = ?", (job_id,))
        return _record(next(iter(rows))) if rows else None

    async def append(self, job_id: str, seq: int, type: str, data: dict[str, Any]) -> str | None:
        check_event(seq, type)
        payload = dump_data(data)
        async with self._db.transaction() as db:
            await _require_open(db, job_id)
            cursor = await db.execute(_INSERT_EVENT, (job_id, seq, type, payload, time.time()))
            event_id = str(cursor.lastrowid) if cursor.rowcount == 1 else None
        if event_id is not None:
            self._signals.notify(job_id)
        return event_id

    async def finish(self, job_id: str, outcome: JobOutcome) -> bool:
        payload = dump_data(outcome.data)
        now = time.time()
        async with self._db.transaction() as db:
            try:
                await _require_open(db, job_id)
            except JobClosed:
                return False
            rows = await db.execute_fetchall(
                "SELECT COALESCE(MAX(seq), -1) + 1 FROM job_events WHERE job_id = ?", (job_id,))
            seq = next(iter(rows))[0]
            await db.execute(_INSERT_EVENT, (job_id, seq, outcome.event_type, payload, now))
            outcome_column = "result" if outcome.status is JobStatus.SUCCEEDED else "error"
            await db.execute(
                f"UPDATE job_records SET status = ?, {outcome_column} = ?, updated_at = ?, finished_at = ?"
                " WHERE id = ?", (outcome.status.value, payload, now, now, job_id))
        self._signals.notify(job_id)
        return True

    async def read(self, job_id: str, after: str | None = None, limit: int = 500) -> list[JobEvent]:
        rows = await self._db.fetchall(
            "SELECT id, seq, type, data, ts FROM job_events WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?",
            (job_id, int(self.check_event_id(after)) if after else 0, limit))
        return [JobEvent(id=str(row["id"]), seq=row["seq"], type=row["type"], data=json.loads(row["data"]),
                         ts=row["ts"]) for row in rows]

    async def wait(self, job_id: str, after: str | None, max_wait_s: float, limit: int = 500) -> list[JobEvent]:
        deadline = asyncio.get_running_loop().time() + max_wait_s
        while True:
            wake = self._signals.subscribe(job_id)
            try:
                events = await self.read(job_id, after, limit)
                remaining = deadline - asyncio.get_running_loop().time()
                if events or remaining <= 0:
                    return events
                await sleep_until_woken(wake, min(self._poll_s, remaining))
            finally:
                self._signals.unsubscribe(job_id, wake)

    def check_event_id(self, event_id: str) -> str:
        if _EVENT_ID.fullmatch(event_id) is None:
            raise InvalidEventId(f"not an event id of this log: {event_id[:40]!r}")
        return event_id

    async def purge_expired(self) -> int:
        cutoff = time.time() - self._retention_s
        expired = "SELECT id FROM job_records WHERE finished_at IS NOT NULL AND finished_at < ?"
        async with self._db.transaction() as db:
            await db.execute(f"DELETE FROM job_events WHERE job_id IN ({expired})", (cutoff,))
            cursor = await db.execute(f"DELETE FROM job_records WHERE id IN ({expired})", (cutoff,))
            return cursor.rowcount

    async def close(self) -> None:
        await self._db.close()


async def _require_open(db: aiosqlite.Connection, job_id: str) -> None:
    rows = list(await db.execute_fetchall("SELECT status FROM job_records WHERE id = ?", (job_id,)))
    if not rows:
        raise JobNotFound(f"no job {job_id}")
    if JobStatus(rows[0]["status"]).finished:
        raise JobClosed(f"job {job_id} already finished")


def _record(row: aiosqlite.Row) -> JobRecord:
    return JobRecord(
        id=row["id"], kind=row["kind"], owner=row["owner"], session_id=row["session_id"],
        profile=row["profile"], status=JobStatus(row["status"]), attempt=row["attempt"],
        created_at=row["created_at"], updated_at=row["updated_at"], finished_at=row["finished_at"],
        result=json.loads(row["result"]) if row["result"] else None,
        error=json.loads(row["error"]) if row["error"] else None)
