"""Server tools of the practice profile, for LLM engines that want a hint to offer a stuck learner."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from talkline.agent.tools import ToolRegistry
from talkline.profiles.practice import catalog


async def get_expression_hint(
    scenario: Annotated[str, Field(description="the practice scenario, e.g. 'mart'")],
    step: Annotated[int, Field(ge=0, description="the step of the scenario, counting from 0")],
    persona: Annotated[str | None, Field(description="'saerom' (반말) or 'gildong' (존댓말)")] = None,
) -> dict[str, Any]:
    """An expression the learner could say at this step, in the persona's speech level, with its meaning."""
    chosen = catalog.scenario(scenario)
    if step >= len(chosen.steps):
        raise ValueError(f"scenario '{chosen.id}' has steps 0 to {len(chosen.steps) - 1}, not {step}")
    level = catalog.persona(persona or chosen.default_persona).speech_level
    hint = chosen.steps[step].hint
    return {"scenario": chosen.id, "step": step, "expression": hint.text("ko", level), "english": hint.en}


def practice_tools() -> ToolRegistry:
    tools = ToolRegistry()
    tools.tool(description="Get a Korean expression the learner could say at a step of a practice scenario")(
        get_expression_hint)
    return tools
