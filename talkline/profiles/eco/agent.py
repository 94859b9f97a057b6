"""The offline skill agent: retrieval and tools instead of a language model, Korean and English.

One `respond` call is one step of the runner's loop. On a new user message it asks for its own
tools (and ends the step); when the runner calls again with the tool outputs in the history, it
may chain one more lookup (a bulky item's fee) or speaks the answer in short text pieces.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Iterator, Sequence

from talkline.agent.base import AgentEvent, AgentRequest, TextDelta, ToolCallRequest
from talkline.agent.history import last_user_text, pending_tool_outputs
from talkline.agent.tools import ToolContext, ToolRegistry
from talkline.profiles.eco.dialogue import Answered, Call, Plan, Planner, parse_json
from talkline.profiles.eco.knowledge import Lang
from talkline.profiles.eco.replies import compose
from talkline.profiles.eco.services import EcoServices
from talkline.profiles.eco.text import detect_language

WORDS_PER_DELTA = 4


class EcoSkillAgent:
    name = "eco-skill"

    def __init__(self, services: EcoServices, tools: ToolRegistry) -> None:
        self._services = services
        self._tools = tools
        self._planner = Planner(services.kb, services.places, services.fees, services.prices)

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        lang = request_language(request)
        answered = [Answered(call.name, parse_json(call.arguments), parse_json(output.output))
                    for call, output in pending_tool_outputs(list(request.history)) if call.name in self._tools]
        plan = self._planner.next_step(answered) if answered else \
            await self._services.offload(self._planner.plan, request.history, lang)
        if plan is not None and plan.calls and request.tool_choice != "none":
            for call in plan.calls:
                yield ToolCallRequest(call_id=f"call_{secrets.token_hex(12)}", name=call.name,
                                      arguments=json.dumps(call.arguments, ensure_ascii=False))
            return
        text = await self._reply(plan, answered, lang)
        for piece in spoken_pieces(text):
            yield TextDelta(piece)

    async def _reply(self, plan: Plan | None, answered: list[Answered], lang: Lang) -> str:
        if plan is not None and plan.reply is not None:
            return plan.reply
        if plan is not None and plan.calls:  # tools were not allowed this turn: look things up ourselves
            answered = answered + await self._run_locally(plan.calls, lang)
        return await self._services.offload(compose, answered, lang)

    async def _run_locally(self, calls: Sequence[Call], lang: Lang) -> list[Answered]:
        results = []
        for call in calls:
            tool = self._tools.get(call.name)
            if tool is None:
                continue
            value = await tool.invoke(json.dumps(call.arguments, ensure_ascii=False), ToolContext(language=lang))
            results.append(Answered(call.name, call.arguments, value))
        return results


def request_language(request: AgentRequest) -> Lang:
    """`request.language` when it is Korean or English, else the language of the user's words."""
    declared = (request.language or "").lower()[:2]
    if declared in ("ko", "en"):
        return declared  # type: ignore[return-value]
    return detect_language(last_user_text(list(request.history)))


def spoken_pieces(text: str, words: int = WORDS_PER_DELTA) -> Iterator[str]:
    """A few words at a time, spaces kept, so speech synthesis can start on the first sentence."""
    tokens = text.split(" ")
    for start in range(0, len(tokens), words):
        chunk = " ".join(tokens[start:start + words])
        yield chunk if start + words >= len(tokens) else f"{chunk} "
