"""Phone-call conversation practice (Saegil): scenarios played by personas, feedback, history.

North Korean defectors settling in South Korea practise everyday conversations (at the mart, at the
bank, a job interview…) with a patient South Korean on the phone: 새롬, a woman their age, or 길동, an
older man. The scenario's role decides how the partner speaks (a clerk always speaks 존댓말; 반말 only
between friends of the same age). The partner understands what the learner says (North Korean words
and endings, recognition errors, questions, small talk), answers, recasts North Korean words the way
South Koreans say them, and gives feedback after the call. Offline and deterministic, or on an LLM
with the same data and the same progress tracking (a profiles file).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from talkline.profiles.base import Profile
from talkline.profiles.practice.agent import PracticeAgent, call_finished
from talkline.profiles.practice.catalog import (
    PersonaCannotPlay,
    Setup,
    UnknownPersona,
    UnknownRecast,
    UnknownRole,
    UnknownScenario,
    persona_for,
    personas,
    scenario_for,
    scenarios,
    setup_for,
)
from talkline.profiles.practice.feedback import Feedback, feedback
from talkline.profiles.practice.glossary import glossary, north_korean_words
from talkline.profiles.practice.history import finish_practice_call, save_practice_call
from talkline.profiles.practice.instructions import instructions_for, practice_instructions
from talkline.profiles.practice.models import Persona, Scenario
from talkline.profiles.practice.tools import practice_tools
from talkline.store.records import TimedMessage

DESCRIPTION = "Phone-call practice in everyday South Korean for North Korean defectors, with feedback"


def create_practice_profile(options: Mapping[str, Any] | None = None) -> Profile:
    """The `practice` profile; `options` may name a scenario, a persona, a role, a recast mode (off, gentle,
    explicit) and the call's language ("ko", the default, or "en"); unknown names and pairings that cannot
    be (an elder as a 반말 friend) raise."""
    setup = setup_for(dict(options or {}))
    return Profile(
        name="practice",
        description=DESCRIPTION,
        instructions=practice_instructions(setup),
        agent=PracticeAgent(),
        tools=practice_tools(),
        language=setup.language,
        voice=setup.persona.voice,
        options=setup.options(),
        warm_up=warm_up,
    )


async def warm_up() -> None:
    """Load the analyser and the data, and play one turn, before the first call needs them."""
    await asyncio.to_thread(_warm)


def _warm() -> None:
    from talkline.profiles.practice.dialogue import replay
    from talkline.profiles.practice.endings import endings

    endings()
    for scenario in scenarios():
        replay(setup_for({"scenario": scenario.id}), ["안녕하세요, 어디 있어요?"])


__all__ = [
    "Feedback",
    "Persona",
    "PersonaCannotPlay",
    "PracticeAgent",
    "Scenario",
    "Setup",
    "TimedMessage",
    "UnknownPersona",
    "UnknownRecast",
    "UnknownRole",
    "UnknownScenario",
    "call_finished",
    "create_practice_profile",
    "feedback",
    "finish_practice_call",
    "glossary",
    "instructions_for",
    "north_korean_words",
    "persona_for",
    "personas",
    "practice_instructions",
    "practice_tools",
    "save_practice_call",
    "scenario_for",
    "scenarios",
    "setup_for",
    "warm_up",
]
