from __future__ import annotations

import pytest
from faster_whisper import WhisperModel

from tests.profiles.practice.whisper_model import load_whisper_base


@pytest.fixture(scope="session")
def whisper(tmp_path_factory: pytest.TempPathFactory) -> WhisperModel:
    return load_whisper_base(tmp_path_factory.mktemp("whisper-base"))
