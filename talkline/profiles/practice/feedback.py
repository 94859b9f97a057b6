"""Feedback after a practice call: did the user reach the goal, how much did they speak, what to learn."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel

from talkline.profiles.practice.catalog import persona, scenario
from talkline.profiles.practice.glossary import north_korean_words
from talkline.profiles.practice.language import detect_language, reply_language
from talkline.profiles.practice.matching import resembles
from talkline.profiles.practice.models import Language, Scenario, SpeechLevel
from talkline.profiles.practice.progress import Progress, replay
from talkline.profiles.practice.speech_level import speech_level
from talkline.store.records import TimedMessage

MAX_EXPRESSIONS = 5


class ExpressionTip(BaseModel):
    korean: str  # in the persona's speech level
    english: str


class NorthKoreanWord(BaseModel):
    north: str
    south: str
    english: str
    note: str | None
    heard_in: str  # the user's sentence that used it


class SpeechLevelReport(BaseModel):
    expected: SpeechLevel  # the level the persona practises (반말 with 새롬, 존댓말 with 길동)
    polite_turns: int
    casual_turns: int
    other_level_examples: list[str]  # the user's sentences in the other level, to look at again


class Feedback(BaseModel):
    scenario: str
    persona: str
    language: Language
    outcome: Literal["goal_reached", "quit", "unfinished"]
    goal_reached: bool
    steps_completed: int
    steps_total: int
    turns: int  # the user's turns
    speaking_seconds: float  # the user's speech
    call_seconds: float
    expressions_to_learn: list[ExpressionTip]
    north_korean_words: list[NorthKoreanWord]
    speech_level: SpeechLevelReport | None  # Korean calls only


def feedback(scenario_id: str, persona_id: str, messages: Sequence[TimedMessage], *,
             language: str | None = None) -> Feedback:
    """Feedback on one call, from its timed transcript."""
    chosen, partner = scenario(scenario_id), persona(persona_id)
    said = [m.text for m in messages if m.role == "user" and m.text.strip()]
    spoken_language = reply_language(language, said, {})
    progress = replay(chosen, said)
    return Feedback(
        scenario=chosen.id, persona=partner.id, language=spoken_language,
        outcome="unfinished" if progress.outcome == "ongoing" else progress.outcome,
        goal_reached=progress.outcome == "goal_reached",
        steps_completed=progress.step, steps_total=len(chosen.steps), turns=len(said),
        speaking_seconds=round(sum(m.duration for m in messages if m.role == "user"), 2),
        call_seconds=round(_call_span(messages), 2),
        expressions_to_learn=_expressions_to_learn(chosen, progress, said, partner.speech_level),
        north_korean_words=_north_korean_words(said),
        speech_level=_speech_level_report(said, partner.speech_level) if spoken_language == "ko" else None,
    )


def _call_span(messages: Sequence[TimedMessage]) -> float:
    if not messages:
        return 0.0
    return max(m.ended_at for m in messages) - min(m.started_at for m in messages)


def _expressions_to_learn(chosen: Scenario, progress: Progress, said: list[str],
                          level: SpeechLevel) -> list[ExpressionTip]:
    """Hints of the steps the user got stuck on or never reached, then the scenario's expressions not yet used."""
    missed = [step.hint for index, step in enumerate(chosen.steps)
              if index in progress.struggled or index >= progress.step]
    unused = [line for line in chosen.expressions
              if not any(resembles(line.text("ko", level), text) or resembles(line.en, text) for text in said)]
    tips: dict[str, ExpressionTip] = {}
    for line in [*missed, *unused]:
        korean = line.text("ko", level)
        tips.setdefault(korean, ExpressionTip(korean=korean, english=line.en))
    return list(tips.values())[:MAX_EXPRESSIONS]


def _north_korean_words(said: list[str]) -> list[NorthKoreanWord]:
    found: dict[str, NorthKoreanWord] = {}
    for text in said:
        for entry in north_korean_words(text):
            found.setdefault(entry.north, NorthKoreanWord(north=entry.north, south=entry.south, english=entry.english,
                                                          note=entry.note, heard_in=text))
    return list(found.values())


def _speech_level_report(said: list[str], expected: SpeechLevel) -> SpeechLevelReport:
    levels = [(text, speech_level(text)) for text in said if detect_language(text) == "ko"]
    return SpeechLevelReport(
        expected=expected,
        polite_turns=sum(level == "polite" for _, level in levels),
        casual_turns=sum(level == "casual" for _, level in levels),
        other_level_examples=[text for text, level in levels if level is not None and level != expected][:3],
    )
