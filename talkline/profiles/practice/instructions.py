"""Instructions for an LLM engine playing a practice scenario (the offline agent follows the data directly)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from talkline.profiles.practice.catalog import persona_for, scenario_for
from talkline.profiles.practice.language import supported
from talkline.profiles.practice.models import Language, Persona, Scenario

LEVEL_NAMES = {"polite": "polite Korean (존댓말, 해요체)", "casual": "casual Korean (반말)"}


def practice_instructions(scenario: Scenario, persona: Persona, language: Language = "ko") -> str:
    def say(line: Any) -> str:
        return line.text(language, persona.speech_level).replace("{name}", persona.name.get(language))

    speech = LEVEL_NAMES[persona.speech_level] if language == "ko" else "simple, friendly English"
    steps = "\n".join(f"{n}. Ask: \"{say(step.ask)}\" (the learner might answer: \"{say(step.hint)}\")"
                      for n, step in enumerate(scenario.steps, 1))
    expressions = "\n".join(f"- {say(line)} ({line.en})" for line in scenario.expressions)
    return f"""You are {persona.name.en} ({persona.name.ko}). {persona.description.en}
This is a phone-call conversation practice for a North Korean defector learning everyday South Korean speech.
You play the role of {scenario.role.en} ({scenario.role.ko}) in the scenario "{scenario.title.en}" ({scenario.title.ko}).
Setting: {scenario.setting.en}
The learner's goal: {scenario.goal.en}

Speak only {speech}, as {persona.name.get(language)} would, and keep each turn to one or two short sentences.
Open the call with: "{say(scenario.opening)} {say(scenario.steps[0].ask)}"
Then guide the learner through these steps, one at a time, in order:
{steps}
If you do not understand the learner or they are stuck, say so kindly, ask again in simpler words, and
offer one expression they could use. If they use a North Korean word, answer naturally and use the
South Korean word yourself. Never correct them in the middle of the call; feedback comes afterwards.
When the goal is reached, close the call politely: "{say(scenario.closing)}"

Useful expressions for this scenario:
{expressions}"""


def instructions_for(options: Mapping[str, Any], language: str | None = None) -> str:
    """Instructions for the scenario and persona named in a session's options."""
    return practice_instructions(scenario_for(options), persona_for(options),
                                 supported(language) or supported(options.get("language")) or "ko")
