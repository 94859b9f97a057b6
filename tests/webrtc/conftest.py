"""A Talkline server on the fake engines for the WebRTC tests: what the fake TTS says, the fake STT hears,
through Opus too, so a call's audio can be checked word for word."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from talkline.engines.base import Engines
from tests.servers import LiveServer, live_server

API_KEY = "tl-webrtc-key"


@pytest.fixture(scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory, fake_engines: Engines,
                 eco_models: None) -> AsyncIterator[LiveServer]:
    async with live_server(tmp_path_factory.mktemp("webrtc"), fake_engines, api_keys=API_KEY,
                           max_sessions=4) as running:
        yield running
