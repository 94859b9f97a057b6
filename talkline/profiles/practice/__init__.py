"""Phone-call conversation practice (Saegil): scenarios played by personas, feedback, history.

North Korean defectors settling in South Korea practise everyday conversations (at the mart, at the
bank, a job interview…) with 새롬 (a friend their age, 반말) or 길동 (an elder, 존댓말), in Korean or
in English, fully offline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from talkline.profiles.base import Profile
from talkline.profiles.practice.agent import PracticeAgent, call_finished
from talkline.profiles.practice.catalog import (
    UnknownPersona,
    UnknownScenario,
    persona_for,
    personas,
    scenario_for,
    scenarios,
)
from talkline.profiles.practice.feedback import Feedback, feedback
from talkline.profiles.practice.glossary import glossary, north_korean_words
from talkline.profiles.practice.history import finish_practice_call, save_practice_call
from talkline.profiles.practice.instructions import instructions_for, practice_instructions
from talkline.profiles.practice.models import Persona, Scenario
from talkline.profiles.practice.tools import practice_tools
from talkline.store.records import TimedMessage

DESCRIPTION = "Phone-call conversation practice in everyday South Korean, with personas and feedback"


def create_practice_profile(options: Mapping[str, Any] | None = None) -> Profile:
    """The `practice` profile; `options` may name a scenario, a persona and the call's language ("ko", the
    default, or "en" for English-speaking learners' demos), the defaults otherwise."""
    chosen = dict(options or {})
    scenario, persona = scenario_for(chosen), persona_for(chosen)
    language = "en" if chosen.get("language") == "en" else "ko"
    return Profile(name="practice", description=DESCRIPTION,
                   instructions=practice_instructions(scenario, persona, language), agent=PracticeAgent(),
                   tools=practice_tools(), language=language, voice=persona.voice,
                   options={"scenario": scenario.id, "persona": persona.id})


__all__ = [
    "Feedback", "Persona", "PracticeAgent", "Scenario", "TimedMessage", "UnknownPersona", "UnknownScenario",
    "call_finished", "create_practice_profile", "feedback", "finish_practice_call", "glossary", "instructions_for",
    "north_korean_words", "persona_for", "personas", "practice_instructions", "practice_tools", "save_practice_call",
    "scenario_for", "scenarios",
]
