"""Voice jobs end to end: real `talkline serve` (and `talkline worker`) processes, real uploads."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.server_process import ServerProcess, talkline_server

KEY_A = "tl-jobs-key-a"
KEY_B = "tl-jobs-key-b"
RABBIT = "amqp://guest:guest@127.0.0.1:5672/"
REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="session")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"TALKLINE_API_KEYS": f"{KEY_A},{KEY_B}", "TALKLINE_UPLOAD_MAX_SECONDS": "20",
           "TALKLINE_UPLOAD_MAX_BYTES": str(3 * 1024 * 1024)}
    with talkline_server(Path(tmp_path_factory.mktemp("embedded")), env) as server:
        yield server


@pytest.fixture
async def http_a(embedded: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=embedded.http_url, headers={"Authorization": f"Bearer {KEY_A}"},
                                 timeout=120) as client:
        yield client


@pytest.fixture
async def http_b(embedded: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=embedded.http_url, headers={"Authorization": f"Bearer {KEY_B}"},
                                 timeout=120) as client:
        yield client


def distributed_env(prefix: str | None = None) -> dict[str, str]:
    """Settings for a deployment on RabbitMQ + Redis, isolated from other test runs by a name prefix."""
    return {"TALKLINE_API_KEYS": KEY_A, "TALKLINE_BROKER_URL": RABBIT, "TALKLINE_REDIS_URL": REDIS,
            "TALKLINE_JOBS_NAME_PREFIX": prefix or f"t{uuid.uuid4().hex[:10]}.", "TALKLINE_JOB_TIMEOUT_SECONDS": "120"}
