"""One uvicorn server on a free port runs the REST router over the real local engines; the official
`openai` SDK drives it. Engines and server are shared by every test of the package."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from openai import AsyncOpenAI

from talkline.auth.http import caller_dependency
from talkline.auth.identity import Authenticator
from talkline.auth.secrets import MemorySecretStore
from talkline.engines.local import Engines, load_local_engines
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


@pytest.fixture(scope="session")
def pool() -> Iterator[InferencePool]:
    pool = InferencePool(2)
    yield pool
    pool.shutdown()


@pytest.fixture(scope="session")
async def engines(pool: InferencePool, tmp_path_factory: pytest.TempPathFactory) -> Engines:
    return await load_local_engines(Path(tmp_path_factory.mktemp("rest-data")), pool)


def all_profiles(pool: InferencePool) -> ProfileRegistry:
    """The test's echo profile next to the built-in ones."""
    profiles = echo_profiles()
    for profile in builtin_profiles(pool):
        profiles.add(profile)
    return profiles


@pytest.fixture(scope="session")
async def rest_server(engines: Engines, pool: InferencePool, tmp_path_factory: pytest.TempPathFactory
                      ) -> AsyncIterator[RestServer]:
    settings = Settings(api_keys=[API_KEY, OTHER_API_KEY], data_dir=Path(tmp_path_factory.mktemp("rest-server")),
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


@pytest.fixture
def client(rest_server: RestServer) -> AsyncOpenAI:
    return rest_server.client()
