from __future__ import annotations

import pytest

from talkline.audio import Pcm
from tests.speech import english_speech

SENTENCE = "Please rinse the bottles and remove the labels before you put them in the recycling bin."
OTHER_SENTENCE = "I would like to book a table for two people tomorrow evening at seven o'clock."


@pytest.fixture(scope="session")
def speech() -> Pcm:
    """About five seconds of real speech at 24 kHz."""
    return english_speech(SENTENCE, 24000)


@pytest.fixture(scope="session")
def speech16k() -> Pcm:
    return english_speech(SENTENCE, 16000)


@pytest.fixture(scope="session")
def other_speech16k() -> Pcm:
    return english_speech(OTHER_SENTENCE, 16000)
