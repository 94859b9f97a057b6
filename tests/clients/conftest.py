"""The terminal clients against a Talkline server in anonymous loopback mode (the real app in-process, on
the fake engines: what the clients send is heard exactly)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from talkline.audio import wav_bytes
from talkline.engines.base import Engines
from talkline.engines.fake import fake_speech
from tests.servers import LiveServer, live_server

QUESTION = "How do I throw away an empty plastic water bottle?"


@pytest.fixture(scope="package")
async def server(tmp_path_factory: pytest.TempPathFactory, fake_engines: Engines,
                 eco_models: None) -> AsyncIterator[LiveServer]:
    async with live_server(tmp_path_factory.mktemp("clients-server"), fake_engines) as running:
        yield running


@pytest.fixture(scope="package")
def question_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("speech") / "question.wav"
    path.write_bytes(wav_bytes(fake_speech(QUESTION)))
    return path
