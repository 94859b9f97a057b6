"""A Talkline server on the fake engines for the WebRTC tests: what the fake TTS says, the fake STT hears,
through Opus too, so a call's audio can be checked word for word."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

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


async def stored_transcript(server: LiveServer, owner: str, session_id: str) -> Any:
    """The call's saved transcript, once its messages are there (it is saved as the call ends)."""
    deadline = time.monotonic() + 15
    while True:
        try:
            stored = await server.runtime.store.transcripts.get(owner, session_id)
            if stored.messages:  # the conversation row is made first, its messages just after
                return stored
        except LookupError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"no transcript of {session_id} was saved")
        await asyncio.sleep(0.2)
