"""Embedded job queue: a SQLite table of jobs with leases.

A worker claims a job by taking a lease (`lease_s`) that it renews while the job runs. If its
process dies, the lease runs out and any worker (this process after a restart, or another one)
claims the job again. Acked jobs are deleted; dead-lettered jobs stay with state 'dead'.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from talkline.jobs.errors import EnqueueError
from talkline.jobs.job import Job
from talkline.jobs.ports import Delivery
from talkline.jobs.signals import Signals, sleep_until_woken
from talkline.jobs.sqlite_db import SqliteDatabase

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS job_queue (
    job_id TEXT PRIMARY KEY,
    payload BLOB NOT NULL,
    state TEXT NOT NULL,
    enqueued_at REAL NOT NULL,
    lease_until REAL,
    lease_token TEXT
);
CREATE INDEX IF NOT EXISTS job_queue_by_state ON job_queue (state, enqueued_at);
"""
_CLAIM = """
UPDATE job_queue SET state = 'leased', lease_until = :until, lease_token = :token
WHERE job_id = (
    SELECT job_id FROM job_queue
    WHERE state = 'ready' OR (state = 'leased' AND lease_until < :now)
    ORDER BY enqueued_at LIMIT 1)
RETURNING job_id, payload
"""
_READY = "ready"


class SqliteJobQueue:
    def __init__(self, path: Path, *, lease_s: float = 30.0, poll_s: float = 0.25) -> None:
        self._db = SqliteDatabase(path, _SCHEMA)
        self._lease_s = lease_s
        self._poll_s = poll_s
        self._signals = Signals()
        self._leases: set[asyncio.Task[None]] = set()

    async def publish(self, job: Job) -> None:
        try:
            async with self._db.transaction() as db:
                await db.execute("INSERT INTO job_queue (job_id, payload, state, enqueued_at) VALUES (?, ?, ?, ?)",
                                 (job.id, job.to_wire(), "ready", time.time()))
        except (sqlite3.Error, OSError) as exc:
            raise EnqueueError(f"the job queue database cannot take job {job.id}") from exc
        self._ready()

    async def consume(self, prefetch: int) -> AsyncIterator[Delivery]:
        """Claims one job each time the consumer asks, so `prefetch` needs no buffer here."""
        while True:
            wake = self._signals.subscribe(_READY)
            try:
                delivery = await self._claim()
                if delivery is None:
                    await sleep_until_woken(wake, self._poll_s)
            finally:
                self._signals.unsubscribe(_READY, wake)
            if delivery is not None:
                yield delivery

    async def dead_letters(self) -> list[Job]:
        rows = await self._db.fetchall("SELECT payload FROM job_queue WHERE state = 'dead' ORDER BY enqueued_at")
        return [Job.from_wire(row["payload"]) for row in rows]

    async def close(self) -> None:
        for renewal in self._leases:
            renewal.cancel()
        await asyncio.gather(*self._leases, return_exceptions=True)
        await self._db.close()

    async def _claim(self) -> _SqliteDelivery | None:
        token = uuid.uuid4().hex
        now = time.time()
        async with self._db.transaction() as db:
            rows = list(await db.execute_fetchall(_CLAIM, {"until": now + self._lease_s, "token": token, "now": now}))
        if not rows:
            return None
        try:
            job = Job.from_wire(rows[0]["payload"])
        except ValueError:
            log.error("job %s in the queue is unreadable; dead-lettering it", rows[0]["job_id"])
            await self._settle(rows[0]["job_id"], token, "UPDATE job_queue SET state = 'dead'")
            return None
        return _SqliteDelivery(self, job, token)

    async def _settle(self, job_id: str, token: str, change: str, *params: object) -> bool:
        """Applies `change` only while this lease holds, so a worker that lost it changes nothing."""
        async with self._db.transaction() as db:
            cursor = await db.execute(f"{change} WHERE job_id = ? AND lease_token = ?", (*params, job_id, token))
        return cursor.rowcount == 1

    def _hold_lease(self, job_id: str, token: str) -> asyncio.Task[None]:
        renewal = asyncio.create_task(self._renew(job_id, token), name=f"lease {job_id}")
        self._leases.add(renewal)
        renewal.add_done_callback(self._leases.discard)
        return renewal

    def _ready(self) -> None:
        self._signals.notify(_READY)

    async def _renew(self, job_id: str, token: str) -> None:
        while True:
            await asyncio.sleep(self._lease_s / 3)
            try:
                renewed = await self._settle(job_id, token, "UPDATE job_queue SET lease_until = ?",
                                             time.time() + self._lease_s)
            except sqlite3.Error:
                log.warning("could not renew the lease of job %s; will try again", job_id, exc_info=True)
                continue
            if not renewed:
                log.warning("job %s lost its lease (it ran out and another worker claimed it)", job_id)
                return


class _SqliteDelivery:
    def __init__(self, queue: SqliteJobQueue, job: Job, token: str) -> None:
        self.job = job
        self._queue = queue
        self._token = token
        self._renewal = queue._hold_lease(job.id, token)

    async def ack(self) -> None:
        await self._settle("DELETE FROM job_queue")

    async def retry(self) -> None:
        await self._settle("UPDATE job_queue SET state = 'ready', lease_until = NULL, lease_token = NULL")
        self._queue._ready()

    async def dead_letter(self) -> None:
        await self._settle("UPDATE job_queue SET state = 'dead', lease_until = NULL, lease_token = NULL")

    async def _settle(self, change: str) -> None:
        # A renewal still in flight matches no row afterwards: settling clears or deletes the token.
        self._renewal.cancel()
        if not await self._queue._settle(self.job.id, self._token, change):
            log.warning("job %s was settled after its lease ran out; another worker owns it now", self.job.id)
