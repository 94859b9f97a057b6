"""Which language a practice call speaks: Korean, or English for English-speaking learners and demos."""

from __future__ import annotations

import re

from talkline.profiles.practice.models import Language

HANGUL = re.compile(r"[가-힣ㄱ-ㅎㅏ-ㅣ]")
LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> Language | None:
    """Korean if the text has more Hangul than Latin letters, English if the reverse, else None."""
    hangul, latin = len(HANGUL.findall(text)), len(LATIN.findall(text))
    if hangul == latin == 0:
        return None
    return "ko" if hangul >= latin else "en"


def supported(language: str | None) -> Language | None:
    if not language:
        return None
    code = language.lower().split("-")[0]
    return "ko" if code == "ko" else "en" if code == "en" else None
