"""Deterministic, model-free engines for tests (`TALKLINE_ENGINES=fake`): they load nothing and answer in
milliseconds, so protocol, session, turn, job and relay logic can be tested without the models.

- `FakeTTS` speaks text as tones that encode it (tones.py); `FakeSTT` reads such tones back exactly,
  with word timings, through resampling, G.711 and the upload codecs.
- `FakeVAD` hears speech by its energy.
- `FakeAgent` says what it heard and calls a tool the user names.
"""

from __future__ import annotations

from talkline.engines.base import Engines
from talkline.engines.fake.agent import FakeAgent
from talkline.engines.fake.speech import FakeSTT, FakeTTS, fake_speech
from talkline.engines.fake.vad import FakeVAD


def fake_engines() -> Engines:
    return Engines(stt=FakeSTT(), tts=FakeTTS(), vad=FakeVAD())


__all__ = ["FakeAgent", "FakeSTT", "FakeTTS", "FakeVAD", "fake_engines", "fake_speech"]
