"""Chooses the queue and event log from settings: URLs select the distributed backends."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from talkline.jobs.ports import EventLog, JobQueue
from talkline.jobs.rabbit_queue import RabbitJobQueue
from talkline.jobs.redis_events import RedisEventLog
from talkline.jobs.sqlite_events import SqliteEventLog
from talkline.jobs.sqlite_queue import SqliteJobQueue

DEFAULT_RETENTION_S = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class Backends:
    queue: JobQueue
    events: EventLog

    async def close(self) -> None:
        try:
            await self.queue.close()
        finally:
            await self.events.close()


def create_backends(settings: Any, *, name_prefix: str | None = None) -> Backends:
    """RabbitMQ when `broker_url` is set, else a SQLite queue; Redis Streams when `redis_url` is set,
    else a SQLite event log; SQLite files live under `data_dir`.

    `name_prefix` (default: setting `jobs_name_prefix`, else "") prefixes queue names, Redis keys
    and SQLite file names, so several deployments or test runs can share one broker and Redis.
    """
    prefix = name_prefix if name_prefix is not None else getattr(settings, "jobs_name_prefix", "")
    retention_s = float(getattr(settings, "event_retention_seconds", DEFAULT_RETENTION_S))
    data_dir = Path(settings.data_dir)
    broker_url: str | None = getattr(settings, "broker_url", None)
    redis_url: str | None = getattr(settings, "redis_url", None)
    queue: JobQueue = (
        RabbitJobQueue(broker_url, queue_name=f"{prefix}voice.process",
                       publish_timeout_s=float(getattr(settings, "broker_publish_timeout_seconds", 30.0)))
        if broker_url
        else SqliteJobQueue(data_dir / f"{prefix}jobs-queue.db",
                            lease_s=float(getattr(settings, "job_lease_seconds", 30.0))))
    events: EventLog = (
        RedisEventLog(redis_url, retention_s, namespace=f"{prefix}talkline") if redis_url
        else SqliteEventLog(data_dir / f"{prefix}jobs-events.db", retention_s))
    return Backends(queue=queue, events=events)
