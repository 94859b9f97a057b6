"""The Korean pronouncer loads Kiwi once per test session."""

from __future__ import annotations

import pytest

from talkline.engines.speech_text.pronounce import KoreanPronouncer, load_pronouncer


@pytest.fixture(scope="session")
def pronouncer() -> KoreanPronouncer:
    return load_pronouncer()
