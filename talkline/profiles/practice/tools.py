"""Server tools of the practice profile, for an LLM playing the partner: a sentence the learner could
say at a step, and what a word means (a word of the situation, or a North Korean word)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from talkline.agent.tools import ToolContext, ToolRegistry
from talkline.profiles.practice import catalog
from talkline.profiles.practice.glossary import glossary
from talkline.profiles.practice.matching import utterance


async def get_expression_hint(
    scenario: Annotated[
        str | None, Field(description="the practice scenario, e.g. 'mart'; default: this call's")
    ] = None,
    step: Annotated[int, Field(ge=0, description="the step of the scenario, counting from 0")] = 0,
    persona: Annotated[str | None, Field(description="'saerom' or 'gildong'; default: this call's")] = None,
    context: ToolContext | None = None,
) -> dict[str, Any]:
    """A sentence the learner could say at this step, in the speech level they owe the person they talk to."""
    options = dict(context.options) if context else {}
    setup = catalog.setup_for(
        {**options, **{k: v for k, v in {"scenario": scenario, "persona": persona}.items() if v}}
    )
    steps = setup.scenario.steps
    if step >= len(steps):
        raise ValueError(f"scenario '{setup.scenario.id}' has steps 0 to {len(steps) - 1}, not {step}")
    model = steps[step].model
    return {
        "scenario": setup.scenario.id,
        "step": step,
        "expression": model.say("ko", setup.learner_register),
        "english": model.en,
        "register": setup.learner_register,
    }


async def explain_word(
    word: Annotated[str, Field(min_length=1, max_length=40, description="the word the learner asked about")],
    scenario: Annotated[str | None, Field(description="the practice scenario; default: this call's")] = None,
    context: ToolContext | None = None,
) -> dict[str, Any]:
    """What a word means: a word of the situation (체크카드, 사거리), or a North Korean word and its South
    Korean equivalent (소젖 → 우유), or the North Korean name of a South Korean word."""
    options = dict(context.options) if context else {}
    chosen = catalog.scenario_for({**options, **({"scenario": scenario} if scenario else {})})
    said = utterance(word)
    for term in chosen.terms:
        if said.find_any(term.spellings, fuzzy=True):
            return {"word": term.word, "explanation": {"ko": term.explain.ko, "en": term.explain.en}}
    compact = word.replace(" ", "")
    for entry in glossary():
        if compact in entry.stems or compact == entry.north:
            return {
                "word": entry.north,
                "north_korean": True,
                "south": entry.south,
                "english": entry.english,
                "note": entry.note.model_dump() if entry.note else None,
            }
    for entry in glossary():
        if compact == entry.south.replace(" ", ""):
            return {
                "word": entry.south,
                "north_korean": False,
                "north": entry.north,
                "english": entry.english,
            }
    return {"word": word, "known": False}


def practice_tools() -> ToolRegistry:
    tools = ToolRegistry()
    tools.tool(description="Get a Korean sentence the learner could say at a step of a practice scenario",
               read_only=True)(get_expression_hint)
    tools.tool(description="Explain a word: a word of the practice situation or a North Korean word",
               read_only=True)(explain_word)
    return tools
