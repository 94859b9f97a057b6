"""The terminal clients against a real `talkline serve` process in anonymous loopback mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from talkline.audio import wav_bytes
from tests.server_process import ServerProcess, talkline_server
from tests.speech import english_speech

QUESTION = "How do I throw away an empty plastic water bottle?"


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with talkline_server(tmp_path_factory.mktemp("clients-server")) as process:
        yield process


@pytest.fixture(scope="package")
def question_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("speech") / "question.wav"
    path.write_bytes(wav_bytes(english_speech(QUESTION)))
    return path
