"""One eco profile per test session: the models and the retrieval index load once."""

from __future__ import annotations

import pytest

from talkline.profiles.base import Profile
from talkline.profiles.eco import create_eco_profile, warm_up


@pytest.fixture(scope="session")
async def eco_profile() -> Profile:
    await warm_up()
    return create_eco_profile()
