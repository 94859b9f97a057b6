"""Voice jobs end to end: the app in-process (fake engines; the real models for the e2e tests), and real
`talkline serve` and `talkline worker` processes for the distributed deployment."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from talkline.engines.base import Engines
from tests.servers import LiveServer, live_server

KEY_A = "tl-jobs-key-a"
KEY_B = "tl-jobs-key-b"
RABBIT = "amqp://guest:guest@127.0.0.1:5672/"
REDIS = "redis://127.0.0.1:6379/0"
SETTINGS = {"api_keys": f"{KEY_A},{KEY_B}", "upload_max_seconds": 20, "upload_max_bytes": 3 * 1024 * 1024}
# the processes of a distributed deployment answer on the fake engines, as eco's fake agent that takes its time
FAKE_PROFILES = """
[profiles.eco.agent]
kind = "fake"

[profiles.eco.tts]
kind = "fake"
pace = 0.3
"""


@pytest.fixture(scope="session")
async def embedded(tmp_path_factory: pytest.TempPathFactory, fake_engines: Engines,
                   eco_models: None) -> AsyncIterator[LiveServer]:
    async with live_server(tmp_path_factory.mktemp("embedded"), fake_engines, **SETTINGS) as running:
        yield running


@pytest.fixture(scope="session")
async def e2e_embedded(tmp_path_factory: pytest.TempPathFactory, local_engines: Engines,
                       eco_models: None) -> AsyncIterator[LiveServer]:
    async with live_server(tmp_path_factory.mktemp("embedded-e2e"), local_engines, **SETTINGS) as running:
        yield running


def client_of(server: LiveServer, key: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.http_url, headers={"Authorization": f"Bearer {key}"}, timeout=120)


@pytest.fixture
async def http_a(embedded: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(embedded, KEY_A) as client:
        yield client


@pytest.fixture
async def http_b(embedded: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(embedded, KEY_B) as client:
        yield client


def distributed_env(data: Path, prefix: str | None = None) -> dict[str, str]:
    """Settings for a deployment on RabbitMQ + Redis, isolated from other test runs by a name prefix."""
    profiles = data / "profiles.toml"
    data.mkdir(parents=True, exist_ok=True)
    profiles.write_text(FAKE_PROFILES, encoding="utf-8")
    return {"TALKLINE_API_KEYS": KEY_A, "TALKLINE_BROKER_URL": RABBIT, "TALKLINE_REDIS_URL": REDIS,
            "TALKLINE_JOBS_NAME_PREFIX": prefix or f"t{uuid.uuid4().hex[:10]}.", "TALKLINE_JOB_TIMEOUT_SECONDS": "120",
            "TALKLINE_ENGINES": "fake", "TALKLINE_WARM_UP": "false", "TALKLINE_PROFILES_FILE": str(profiles)}
