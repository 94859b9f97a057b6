"""Every store test runs against SQLite and against the real PostgreSQL, in a database made for this run."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from talkline.store import Store, create_store
from talkline.store.schema import Base

# the server that holds the throwaway test database; trust auth on this machine
POSTGRES_ADMIN_URL = os.environ.get("TALKLINE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


async def _admin() -> asyncpg.Connection:
    url = make_url(POSTGRES_ADMIN_URL)
    try:
        return await asyncpg.connect(host=url.host, port=url.port, user=url.username, password=url.password,
                                     database=url.database)
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.fail(f"PostgreSQL is needed by the store tests and is not reachable ({exc.__class__.__name__}); "
                    "start it or point TALKLINE_TEST_POSTGRES_URL at one")


@pytest.fixture(scope="session")
async def postgres_url() -> AsyncIterator[str]:
    name = f"talkline_test_{uuid.uuid4().hex[:12]}"
    admin = await _admin()
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+asyncpg", database=name).render_as_string(
        hide_password=False)
    admin = await _admin()
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def store_url(request: pytest.FixtureRequest, tmp_path: Path, postgres_url: str) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'talkline.db'}" if request.param == "sqlite" else postgres_url


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    async with create_store(store_url) as opened:
        yield opened
        async with opened.engine.begin() as connection:  # the PostgreSQL database is shared by the run's tests
            await connection.run_sync(Base.metadata.drop_all)
