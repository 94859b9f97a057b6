"""The conformance suite runs the official `openai` SDK against a real `talkline serve` process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openai import AsyncOpenAI

from tests.server_process import ServerProcess, talkline_server

API_KEY = "tl-conformance-key"
RATE_LIMITED_KEY = "tl-second-key"  # its own minting budget, so the rate-limit test spares the others
MAX_SESSIONS = 6


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"TALKLINE_API_KEYS": f"{API_KEY},{RATE_LIMITED_KEY}", "TALKLINE_MAX_SESSIONS": str(MAX_SESSIONS),
           "TALKLINE_SECRET_MINT_PER_MINUTE": "40"}
    with talkline_server(Path(tmp_path_factory.mktemp("conformance")), env) as process:
        yield process


@pytest.fixture
def client(server: ServerProcess) -> AsyncOpenAI:
    return AsyncOpenAI(base_url=server.http_url + "/v1", api_key=API_KEY,
                       websocket_base_url=server.ws_url + "/v1")
