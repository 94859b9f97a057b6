"""The practice data model: scenarios, their steps and intents, personas. Loaded from data/*.json."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Language = Literal["ko", "en"]
SpeechLevel = Literal["polite", "casual"]  # 존댓말, 반말


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Frozen):
    """A description in both languages (not spoken by the persona)."""

    ko: str
    en: str

    def get(self, language: Language) -> str:
        return self.ko if language == "ko" else self.en


class Line(_Frozen):
    """Something said aloud: polite Korean (존댓말), casual Korean (반말) and English."""

    ko: str
    ko_casual: str
    en: str

    def text(self, language: Language, level: SpeechLevel) -> str:
        if language == "en":
            return self.en
        return self.ko_casual if level == "casual" else self.ko


class Intent(_Frozen):
    """One thing the user may say, as keywords (any one matches, fuzzily) and optional regexes."""

    id: str
    ko: tuple[str, ...] = ()
    en: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    reply: Line | None = None  # what the persona says when this intent completes a step

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            re.compile(pattern)
        return patterns


class Step(_Frozen):
    """A turn the user is expected to handle: the persona asks, one of the intents answers."""

    id: str
    ask: Line
    hint: Line  # an expression the user could say here
    intents: tuple[Intent, ...] = Field(min_length=1, exclude=True)


class Scenario(_Frozen):
    id: str
    title: Text
    setting: Text
    goal: Text
    role: Text
    default_persona: str
    opening: Line
    steps: tuple[Step, ...] = Field(min_length=1)
    closing: Line
    expressions: tuple[Line, ...]


class Persona(_Frozen):
    id: str
    name: Text
    voice: str
    gender: Literal["female", "male"]
    speech_level: SpeechLevel
    description: Text


class CommonLines(_Frozen):
    repeat: Line
    miss: Line
    hint: Line  # contains "{hint}"
    quit: Line
    ended: Line


class Common(_Frozen):
    """Intents every scenario understands (repeat, help, quit; a greeting) and the persona's stock lines."""

    intents: tuple[Intent, ...]
    greeting: Intent  # only when nothing else matched: "안녕하세요, 카드로 할게요" answers the step
    lines: CommonLines

    @field_validator("intents")
    @classmethod
    def _known(cls, intents: tuple[Intent, ...]) -> tuple[Intent, ...]:
        if sorted(intent.id for intent in intents) != ["help", "quit", "repeat"]:
            raise ValueError("common intents must be exactly: help, quit, repeat")
        return intents
