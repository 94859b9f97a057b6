"""HTTP API of the practice application: scenarios, personas, and the caller's own practice history.

`GET /v1/practice/scenarios` gives the page everything it shows about a call before it starts: the
setting and goal, who the learner talks to (roles, relationship, the register each side speaks), the
steps and their slots, example sentences, words of the situation, and which persona can play it (and,
if not, why) — in Korean and English.
"""

# No `from __future__ import annotations` here: FastAPI must see the `Caller` alias local to the factory.
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel

from talkline.profiles.practice.call_history import (
    PracticeSession,
    PracticeSessionNotFound,
    PracticeSessionSummary,
    practice_history,
)
from talkline.profiles.practice.catalog import personas, refusal, role_for, scenarios
from talkline.profiles.practice.models import AgeGroup, Persona, Register, Relationship, Role, Scenario, Text
from talkline.profiles.practice.registers import learner_register, partner_register
from talkline.store import Store

NOT_FOUND = "practice session not found"


class Example(BaseModel):
    ko: str
    en: str


class RoleCard(BaseModel):
    id: str
    title: Text
    relationship: Relationship
    partner_register: Register
    learner_register: Register
    played_by: list[AgeGroup]
    examples: list[Example]  # what the learner could say, in the register they owe this role


class SlotCard(BaseModel):
    id: str
    title: Text
    required: bool


class StepCard(BaseModel):
    id: str
    title: Text
    slots: list[SlotCard]


class Casting(BaseModel):
    persona: str
    allowed: bool
    role: str | None = None
    reason: Text | None = None


class WordCard(BaseModel):
    word: str
    explanation: Text


class ScenarioCard(BaseModel):
    id: str
    title: Text
    setting: Text
    goal: Text
    default_persona: str
    roles: list[RoleCard]
    steps: list[StepCard]
    examples: list[Example]  # of the first role
    personas: list[Casting]
    words: list[WordCard]


class PersonaCard(BaseModel):
    id: str
    name: Text
    description: Text
    voice: str
    gender: Literal["female", "male"]
    age: AgeGroup


class ScenarioList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ScenarioCard]


class PersonaList(BaseModel):
    object: Literal["list"] = "list"
    data: list[PersonaCard]


class PracticeSessionList(BaseModel):
    object: Literal["list"] = "list"
    data: list[PracticeSessionSummary]


def scenario_card(scenario: Scenario) -> ScenarioCard:
    roles = [_role_card(scenario, role) for role in scenario.roles]
    return ScenarioCard(
        id=scenario.id,
        title=scenario.title,
        setting=scenario.setting,
        goal=scenario.goal,
        default_persona=scenario.default_persona,
        roles=roles,
        steps=[
            StepCard(
                id=step.id,
                title=step.title,
                slots=[SlotCard(id=slot.id, title=slot.title, required=slot.required) for slot in step.slots],
            )
            for step in scenario.steps
        ],
        examples=roles[0].examples,
        personas=[_casting(scenario, persona) for persona in personas()],
        words=[
            WordCard(word=term.word, explanation=Text(ko=term.explain.ko, en=term.explain.en))
            for term in scenario.terms
        ],
    )


def persona_card(persona: Persona) -> PersonaCard:
    return PersonaCard(
        id=persona.id,
        name=persona.name,
        description=persona.description,
        voice=persona.voice,
        gender=persona.gender,
        age=persona.age,
    )


def _role_card(scenario: Scenario, role: Role) -> RoleCard:
    register = learner_register(role.relationship)
    examples = role.examples or tuple(step.model for step in scenario.steps)
    return RoleCard(
        id=role.id,
        title=role.title,
        relationship=role.relationship,
        partner_register=partner_register(role.relationship),
        learner_register=register,
        played_by=list(role.played_by),
        examples=[Example(ko=line.say("ko", register), en=line.en) for line in examples],
    )


def _casting(scenario: Scenario, persona: Persona) -> Casting:
    role = role_for(scenario, persona)
    if role is None:
        return Casting(persona=persona.id, allowed=False, reason=refusal(scenario, persona))
    return Casting(persona=persona.id, allowed=True, role=role.id)


def practice_router(store: Store, owner: Callable[..., Any]) -> APIRouter:
    """`owner` is a FastAPI dependency returning the caller's identity; every history read is scoped to it."""
    router = APIRouter(prefix="/v1/practice", tags=["practice"])
    Caller = Annotated[str, Depends(owner)]
    scenario_list = ScenarioList(data=[scenario_card(scenario) for scenario in scenarios()])
    persona_list = PersonaList(data=[persona_card(persona) for persona in personas()])

    @router.get("/scenarios")
    async def list_scenarios() -> ScenarioList:
        return scenario_list

    @router.get("/personas")
    async def list_personas() -> PersonaList:
        return persona_list

    @router.get("/sessions")
    async def list_sessions(caller: Caller, limit: Annotated[int, Query(ge=1, le=200)] = 50,
                            offset: Annotated[int, Query(ge=0)] = 0) -> PracticeSessionList:
        return PracticeSessionList(data=await practice_history(store).recent(caller, limit=limit, offset=offset))

    @router.get("/sessions/{session_id}")
    async def get_session(session_id: str, caller: Caller) -> PracticeSession:
        try:
            return await practice_history(store).get(caller, session_id)
        except PracticeSessionNotFound:
            raise HTTPException(status_code=404, detail=NOT_FOUND) from None

    return router
