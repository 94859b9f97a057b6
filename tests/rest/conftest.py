"""A uvicorn server on a free port runs the REST router (on the fake engines; the real models for the e2e
tests, a second server); the official `openai` SDK drives it. Servers are shared by every test of the package."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from openai import AsyncOpenAI

from talkline.auth.http import caller_dependency
from talkline.auth.identity import Authenticator
from talkline.auth.secrets import MemorySecretStore
from talkline.engines.base import Engines
from talkline.engines.pool import InferencePool
from talkline.http_errors import install_error_handlers
from talkline.pipeline import Pipeline
from talkline.profiles.base import ProfileRegistry
from talkline.profiles.registry import builtin_profiles
from talkline.rest import rest_router
from talkline.settings import Settings
from tests.rest.echo_profile import echo_profiles
from tests.server_process import free_port

API_KEY = "tl-rest-test-key"
OTHER_API_KEY = "tl-rest-other-key"
UPLOAD_MAX_BYTES = 2 * 1024 * 1024
UPLOAD_MAX_SECONDS = 20.0


@dataclass
class RestServer:
    url: str
    engines: Engines
    secrets: MemorySecretStore
    pipeline: Pipeline | None  # set to None to play "models still loading"

    def client(self, api_key: str = API_KEY) -> AsyncOpenAI:
        return AsyncOpenAI(base_url=self.url + "/v1", api_key=api_key, max_retries=0)


def all_profiles(pool: InferencePool) -> ProfileRegistry:
    """The test's echo profile next to the built-in ones."""
    profiles = echo_profiles()
    for profile in builtin_profiles(pool):
        profiles.add(profile)
    return profiles


@asynccontextmanager
async def rest_server_on(engines: Engines, pool: InferencePool, data_dir: Path) -> AsyncIterator[RestServer]:
    settings = Settings(api_keys=[API_KEY, OTHER_API_KEY], data_dir=data_dir,
                        upload_max_bytes=UPLOAD_MAX_BYTES, upload_max_seconds=UPLOAD_MAX_SECONDS)
    secrets = MemorySecretStore()
    state = RestServer("", engines, secrets, Pipeline(stt=engines.stt, tts=engines.tts))
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(rest_router(lambda model=None: state.pipeline, all_profiles(pool),
                                   caller_dependency(Authenticator(settings, secrets)), settings))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()  # raises why it could not start
        await asyncio.sleep(0.05)
    state.url = f"http://127.0.0.1:{port}"
    yield state
    server.should_exit = True
    await serving


@pytest.fixture(scope="session")
def engines(fake_engines: Engines) -> Engines:
    """The engines the REST server runs on."""
    return fake_engines


@pytest.fixture(scope="session")
async def rest_server(engines: Engines, pool: InferencePool, tmp_path_factory: pytest.TempPathFactory,
                      eco_models: None) -> AsyncIterator[RestServer]:
    async with rest_server_on(engines, pool, Path(tmp_path_factory.mktemp("rest-server"))) as server:
        yield server


@pytest.fixture(scope="session")
async def e2e_rest_server(local_engines: Engines, pool: InferencePool, tmp_path_factory: pytest.TempPathFactory,
                          eco_models: None) -> AsyncIterator[RestServer]:
    async with rest_server_on(local_engines, pool, Path(tmp_path_factory.mktemp("rest-e2e"))) as server:
        yield server


@pytest.fixture
def client(rest_server: RestServer) -> AsyncOpenAI:
    return rest_server.client()


@pytest.fixture
def e2e_client(e2e_rest_server: RestServer) -> AsyncOpenAI:
    return e2e_rest_server.client()
