"""GET /v1/practice/…: scenarios and personas for everyone, practice history for its owner only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from fastapi import FastAPI, Header, HTTPException

from talkline.profiles.practice import save_practice_call
from talkline.profiles.practice.routes import practice_router
from talkline.store import Store, TimedMessage, create_store


def header_owner(x_user: Annotated[str | None, Header()] = None) -> str:
    if not x_user:
        raise HTTPException(status_code=401, detail="who are you?")
    return x_user


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with create_store(f"sqlite+aiosqlite:///{tmp_path / 'talkline.db'}") as opened:
        yield opened


@pytest.fixture
async def client(store: Store) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(practice_router(store, header_owner))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


async def practise(store: Store, owner: str, scenario: str, line: str, minutes_ago: int) -> str:
    messages = [
        TimedMessage(role="assistant", text="…", started_at=0.0, ended_at=2.0),
        TimedMessage(role="user", text=line, started_at=2.5, ended_at=4.0),
    ]
    created = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return (await save_practice_call(store, owner, {"scenario": scenario}, messages, created_at=created)).id


async def test_scenarios_tell_the_page_what_the_call_is_about_and_who_is_on_the_line(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/practice/scenarios")
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "list" and len(body["data"]) == 8
    mart = next(s for s in body["data"] if s["id"] == "mart")
    assert mart["title"] == {"ko": "마트에서", "en": "At the mart"}
    assert set(mart["setting"]) == set(mart["goal"]) == {"ko", "en"}
    [clerk] = mart["roles"]
    assert (clerk["relationship"], clerk["partner_register"], clerk["learner_register"]) == (
        "clerk",
        "haeyo",
        "haeyo",
    )
    assert mart["steps"][0]["title"] == {"ko": "물건 찾기", "en": "Finding an item"}
    assert mart["steps"][0]["slots"] == [
        {"id": "item", "title": {"ko": "찾는 물건", "en": "item"}, "required": True}
    ]
    assert mart["examples"][0] == {"ko": "우유 어디 있어요?", "en": "Where is the milk?"}
    assert {"word": "통로", "explanation": mart["words"][0]["explanation"]} == mart["words"][0]
    assert mart["personas"] == [
        {"persona": "saerom", "allowed": True, "role": "clerk", "reason": None},
        {"persona": "gildong", "allowed": True, "role": "clerk", "reason": None},
    ]
    assert set(mart["steps"][0]) == {"id", "title", "slots"}  # no matching internals


async def test_each_role_has_its_registers_and_impossible_pairings_say_why(client: httpx.AsyncClient) -> None:
    scenarios = {s["id"]: s for s in (await client.get("/v1/practice/scenarios")).json()["data"]}
    friend = scenarios["friend"]
    assert [(r["relationship"], r["partner_register"], r["learner_register"]) for r in friend["roles"]] == [
        ("friend", "banmal", "banmal"),
        ("elder_neighbour", "haeyo", "haeyo"),
    ]
    assert friend["roles"][0]["examples"][0]["ko"] == "나는 민수야."
    assert friend["roles"][1]["examples"][0]["ko"] == "저는 김민수예요."
    interview = scenarios["interview"]
    assert interview["roles"][0]["partner_register"] == "hapsyo"
    saerom = next(p for p in interview["personas"] if p["persona"] == "saerom")
    assert saerom["allowed"] is False and saerom["role"] is None
    assert "면접관" in saerom["reason"]["ko"] and "interviewer" in saerom["reason"]["en"]


async def test_personas_are_listed(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/practice/personas")).json()
    assert [(p["id"], p["voice"], p["age"], p["gender"]) for p in body["data"]] == [
        ("saerom", "saerom", "peer", "female"),
        ("gildong", "gildong", "elder", "male"),
    ]
    assert set(body["data"][0]["name"]) == set(body["data"][0]["description"]) == {"ko", "en"}


async def test_each_user_sees_only_their_own_sessions(client: httpx.AsyncClient, store: Store) -> None:
    older = await practise(store, "alice", "mart", "우유 어디 있어요?", minutes_ago=10)
    newer = await practise(store, "alice", "bank", "통장 만들고 싶어요", minutes_ago=1)
    bobs = await practise(store, "bob", "friend", "안녕", minutes_ago=5)

    alice = (await client.get("/v1/practice/sessions", headers={"x-user": "alice"})).json()
    assert [s["id"] for s in alice["data"]] == [newer, older]
    assert alice["data"][0]["scenario"] == "bank" and alice["data"][0]["feedback"]["steps_completed"] == 1
    bob = (await client.get("/v1/practice/sessions", headers={"x-user": "bob"})).json()
    assert [s["id"] for s in bob["data"]] == [bobs]
    page = (await client.get("/v1/practice/sessions?limit=1&offset=1", headers={"x-user": "alice"})).json()
    assert [s["id"] for s in page["data"]] == [older]


async def test_a_session_with_its_messages_and_feedback(client: httpx.AsyncClient, store: Store) -> None:
    session_id = await practise(store, "alice", "mart", "꼬부랑국수 어디 있어요?", minutes_ago=0)
    response = await client.get(f"/v1/practice/sessions/{session_id}", headers={"x-user": "alice"})
    assert response.status_code == 200
    body = response.json()
    assert body["messages"][1] == {
        "role": "user",
        "text": "꼬부랑국수 어디 있어요?",
        "started_at": 2.5,
        "ended_at": 4.0,
    }
    assert body["feedback"]["north_korean_words"][0]["south"] == "라면"
    assert body["created_at"].endswith(("Z", "+00:00"))


async def test_another_users_session_looks_exactly_like_a_missing_one(
    client: httpx.AsyncClient, store: Store
) -> None:
    session_id = await practise(store, "alice", "mart", "우유 어디 있어요?", minutes_ago=0)
    foreign = await client.get(f"/v1/practice/sessions/{session_id}", headers={"x-user": "bob"})
    missing = await client.get("/v1/practice/sessions/conv_nothing", headers={"x-user": "bob"})
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json() == {"detail": "practice session not found"}


async def test_history_needs_an_identity_and_valid_paging(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/practice/sessions")).status_code == 401
    assert (await client.get("/v1/practice/sessions?limit=0", headers={"x-user": "alice"})).status_code == 422
