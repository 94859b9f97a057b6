"""Checks every TextToSpeech applies to a request before it speaks."""

from __future__ import annotations

import math

from talkline.engines.base import EngineError

MIN_SPEED = 0.25  # the range OpenAI's /v1/audio/speech accepts
MAX_SPEED = 4.0


class SpeechRequestError(EngineError):
    """The voice, language or speed asked for cannot be spoken; `code` says which."""


def checked_speed(speed: float) -> float:
    if not (isinstance(speed, int | float) and math.isfinite(speed) and MIN_SPEED <= speed <= MAX_SPEED):
        raise SpeechRequestError(
            f"speed must be between {MIN_SPEED} and {MAX_SPEED}, got {speed!r}", "invalid_speed"
        )
    return float(speed)
