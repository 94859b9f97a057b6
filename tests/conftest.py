"""Fixtures every test package shares: the inference pool, the engines (the real offline models, loaded
once per run, and the fakes), and the store on SQLite and on the real PostgreSQL.

Tests that run the real models are end-to-end tests and carry the `e2e` marker (`pytest -m e2e` runs only
them, `-m "not e2e"` the rest in seconds); a test that asks for a real-model fixture without the marker is
refused at collection, so the set stays what it says.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from talkline.engines.base import Engines
from talkline.engines.fake import fake_engines as make_fake_engines
from talkline.engines.local.espeak_tts import EspeakTTS
from talkline.engines.local.piper_tts import PiperTTS
from talkline.engines.local.silero_vad import SileroVAD
from talkline.engines.local.whisper import WhisperSTT
from talkline.engines.multilingual import MultilingualTTS
from talkline.engines.pool import InferencePool
from talkline.engines.provision import ModelPaths, provision_models
from talkline.store import Store, create_store
from talkline.store.schema import Base

MODEL_FIXTURES = {"data_dir", "model_paths", "stt", "piper", "espeak", "vad", "local_engines", "whisper"}
# the server that holds the throwaway test databases; trust auth on this machine
POSTGRES_ADMIN_URL = os.environ.get("TALKLINE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        uses_models = MODEL_FIXTURES & set(getattr(item, "fixturenames", ()))
        if uses_models and item.get_closest_marker("e2e") is None:
            raise pytest.UsageError(f"{item.nodeid} runs the real models ({', '.join(sorted(uses_models))}): "
                                    "mark it e2e, or give it the fake engines")


# ── engines ────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="session")
def pool() -> Iterator[InferencePool]:
    pool = InferencePool(2)
    yield pool
    pool.shutdown()


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's TALKLINE_DATA_DIR for the real models (their verified copies)."""
    return tmp_path_factory.mktemp("talkline-data")


@pytest.fixture(scope="session")
def model_paths(data_dir: Path) -> ModelPaths:
    return provision_models(data_dir)


@pytest.fixture(scope="session")
def stt(model_paths: ModelPaths, pool: InferencePool) -> WhisperSTT:
    return WhisperSTT.load(model_paths.whisper_dir, pool)


@pytest.fixture(scope="session")
def piper(model_paths: ModelPaths, pool: InferencePool) -> PiperTTS:
    return PiperTTS.load(model_paths.piper_model, model_paths.piper_config, pool)


@pytest.fixture(scope="session")
def espeak(pool: InferencePool) -> EspeakTTS:
    return EspeakTTS.load(pool)


@pytest.fixture(scope="session")
def vad(model_paths: ModelPaths, pool: InferencePool) -> SileroVAD:
    return SileroVAD(pool, model_paths.silero_model)


@pytest.fixture(scope="session")
def local_engines(stt: WhisperSTT, piper: PiperTTS, espeak: EspeakTTS, vad: SileroVAD) -> Engines:
    """The offline engines `talkline serve` runs on, loaded once for the whole run."""
    return Engines(stt=stt, tts=MultilingualTTS(piper, espeak), vad=vad)


@pytest.fixture(scope="session")
def fake_engines() -> Engines:
    return make_fake_engines()


@pytest.fixture(scope="session")
async def eco_models(pool: InferencePool) -> None:
    """Eco's own models and index (Kiwi, multilingual-e5), loaded once per run before the tests that ask eco
    questions, so no test's own timeout pays for them."""
    from talkline.profiles.eco import warm_up

    await warm_up(pool)


# ── the store ──────────────────────────────────────────────────────────────────────────────────


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
    """A store on SQLite and on PostgreSQL in turn, with every table (the applications' too)."""
    async with create_store(store_url) as opened:
        yield opened
        async with opened.engine.begin() as connection:  # the PostgreSQL database is shared by the run's tests
            await connection.run_sync(Base.metadata.drop_all)
