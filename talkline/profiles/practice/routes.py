"""HTTP API of the practice application: scenarios, personas, and the caller's own practice history."""

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
from talkline.profiles.practice.catalog import personas, scenarios
from talkline.profiles.practice.models import Persona, Scenario
from talkline.store import Store

NOT_FOUND = "practice session not found"


class ScenarioList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Scenario]


class PersonaList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Persona]


class PracticeSessionList(BaseModel):
    object: Literal["list"] = "list"
    data: list[PracticeSessionSummary]


def practice_router(store: Store, owner: Callable[..., Any]) -> APIRouter:
    """`owner` is a FastAPI dependency returning the caller's identity; every history read is scoped to it."""
    router = APIRouter(prefix="/v1/practice", tags=["practice"])
    Caller = Annotated[str, Depends(owner)]

    @router.get("/scenarios")
    async def list_scenarios() -> ScenarioList:
        return ScenarioList(data=scenarios())

    @router.get("/personas")
    async def list_personas() -> PersonaList:
        return PersonaList(data=personas())

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
