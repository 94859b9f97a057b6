"""Fixtures for the job machinery: the real RabbitMQ and Redis on loopback, and SQLite in tmp_path.

Every test gets its own name prefix (queues, exchanges, Redis keys) and removes what it created.
A service that is not running fails the test with a message saying so; nothing is skipped.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import aio_pika
import pytest
import redis.asyncio as aioredis

from talkline.jobs import Backends
from talkline.jobs.rabbit_queue import RabbitJobQueue
from talkline.jobs.redact import redact
from talkline.jobs.redis_events import RedisEventLog
from talkline.jobs.sqlite_events import SqliteEventLog
from talkline.jobs.sqlite_queue import SqliteJobQueue

BROKER_URL = os.environ.get("TALKLINE_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672/")
REDIS_URL = os.environ.get("TALKLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/")
RETENTION_S = 3600.0


def require_service(name: str, url: str, default_port: int, env: str) -> str:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port), timeout=3).close()
    except OSError as exc:
        pytest.fail(f"{name} is not running at {redact(url)} ({exc}); these tests need the real service: "
                    f"start it, or point {env} at one", pytrace=False)
    return url


@pytest.fixture
def broker_url() -> str:
    return require_service("RabbitMQ", BROKER_URL, 5672, "TALKLINE_TEST_BROKER_URL")


@pytest.fixture
def redis_url() -> str:
    return require_service("Redis", REDIS_URL, 6379, "TALKLINE_TEST_REDIS_URL")


@pytest.fixture
def prefix() -> str:
    return f"test-{uuid.uuid4().hex[:12]}."


async def delete_rabbit_names(url: str, queue: RabbitJobQueue) -> None:
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        await channel.queue_delete(queue.queue_name)
        await channel.queue_delete(queue.dead_letter_queue)
        await channel.exchange_delete(queue.dead_letter_exchange)
    finally:
        await connection.close()


async def delete_redis_keys(url: str, prefix: str) -> None:
    client = aioredis.Redis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


def sqlite_queue(directory: Path, lease_s: float = 2.0) -> SqliteJobQueue:
    return SqliteJobQueue(directory / "queue.db", lease_s=lease_s, poll_s=0.05)


def sqlite_events(directory: Path, retention_s: float = RETENTION_S) -> SqliteEventLog:
    return SqliteEventLog(directory / "events.db", retention_s, poll_s=0.05)


@pytest.fixture
async def rabbit_queue(broker_url: str, prefix: str) -> AsyncIterator[RabbitJobQueue]:
    queue = RabbitJobQueue(broker_url, queue_name=f"{prefix}voice.process")
    try:
        yield queue
    finally:
        await queue.close()
        await delete_rabbit_names(broker_url, queue)


@pytest.fixture
async def redis_events(redis_url: str, prefix: str) -> AsyncIterator[RedisEventLog]:
    events = RedisEventLog(redis_url, RETENTION_S, namespace=f"{prefix}talkline")
    try:
        yield events
    finally:
        await events.close()
        await delete_redis_keys(redis_url, prefix)


@pytest.fixture
async def sqlite_event_log(tmp_path: Path) -> AsyncIterator[SqliteEventLog]:
    events = sqlite_events(tmp_path)
    try:
        yield events
    finally:
        await events.close()


@pytest.fixture
async def sqlite_job_queue(tmp_path: Path) -> AsyncIterator[SqliteJobQueue]:
    queue = sqlite_queue(tmp_path)
    try:
        yield queue
    finally:
        await queue.close()


@pytest.fixture(params=["sqlite_event_log", "redis_events"])
def event_log(request: pytest.FixtureRequest) -> SqliteEventLog | RedisEventLog:
    return request.getfixturevalue(request.param)


@pytest.fixture(params=["sqlite_job_queue", "rabbit_queue"])
def job_queue(request: pytest.FixtureRequest) -> SqliteJobQueue | RabbitJobQueue:
    return request.getfixturevalue(request.param)


@pytest.fixture(params=["embedded", "distributed"])
def backends(request: pytest.FixtureRequest) -> Backends:
    if request.param == "embedded":
        return Backends(queue=request.getfixturevalue("sqlite_job_queue"),
                        events=request.getfixturevalue("sqlite_event_log"))
    return Backends(queue=request.getfixturevalue("rabbit_queue"), events=request.getfixturevalue("redis_events"))
