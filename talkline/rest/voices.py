"""Voice names checked against the TTS engine before any audio is made."""

from __future__ import annotations

from talkline.engines.base import TextToSpeech
from talkline.http_errors import ApiError


def check_voice(tts: TextToSpeech, voice: str, param: str) -> None:
    """Refuse a voice the engine does not list (an engine that lists none takes any name)."""
    known = tts.voices()
    if known and voice.lower() not in {name.lower() for name in known}:
        raise ApiError(400, f"unknown voice '{voice}'; available voices: {', '.join(known)}",
                       code="unknown_voice", param=param)
