"""Practice calls are stored with their transcript and feedback, per owner."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from talkline.profiles.practice import UnknownScenario, finish_practice_call, save_practice_call
from talkline.profiles.practice.call_history import practice_history
from talkline.store import ConversationNotFound, Store, TimedMessage, create_store

OPTIONS = {"scenario": "directions", "persona": "saerom"}


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with create_store(f"sqlite+aiosqlite:///{tmp_path / 'talkline.db'}") as opened:
        yield opened


def said(text: str, start: float, role: str = "user") -> TimedMessage:
    return TimedMessage(role=role, text=text, started_at=start, ended_at=start + 1.0)  # type: ignore[arg-type]


async def test_a_call_recorded_as_it_goes_gets_its_feedback_at_the_end(store: Store) -> None:
    conversation = await store.transcripts.create("alice", "practice", session_id="sess_1")
    await store.transcripts.append(
        "alice",
        conversation.id,
        [said("저기, 혹시 길 찾아?", 0.0, "assistant"), said("지하철역에 어떻게 가?", 2.0)],
    )
    await store.transcripts.append("alice", conversation.id, [said("걸어서 얼마나 걸려?", 6.0)])
    summary = await finish_practice_call(store, "alice", conversation.id, OPTIONS)
    assert (summary.id, summary.scenario, summary.persona) == (conversation.id, "directions", "saerom")
    assert summary.feedback is not None
    assert (summary.feedback["steps_completed"], summary.feedback["goal_reached"]) == (2, False)
    assert summary.ended_at is not None

    await store.transcripts.append("alice", conversation.id, [said("고마워!", 9.0)])
    again = await finish_practice_call(store, "alice", conversation.id, OPTIONS)  # recomputed
    assert again.feedback is not None and again.feedback["goal_reached"] is True
    stored = await practice_history(store).get("alice", conversation.id)
    assert [m.text for m in stored.messages if m.role == "user"] == [
        "지하철역에 어떻게 가?",
        "걸어서 얼마나 걸려?",
        "고마워!",
    ]


async def test_only_the_owner_can_finish_a_call(store: Store) -> None:
    conversation = await store.transcripts.create("alice", "practice")
    with pytest.raises(ConversationNotFound):
        await finish_practice_call(store, "mallory", conversation.id, OPTIONS)
    assert await practice_history(store).recent("alice") == []


async def test_saving_a_whole_call(store: Store) -> None:
    summary = await save_practice_call(
        store, "alice", OPTIONS, [said("지하철역에 어떻게 가?", 1.0)], session_id="s9"
    )
    conversation = await store.transcripts.get("alice", summary.id)
    assert (conversation.profile, conversation.session_id) == ("practice", "s9")
    assert conversation.metadata == {"scenario": "directions", "persona": "saerom"}
    assert summary.feedback is not None and summary.feedback["turns"] == 1


async def test_an_unknown_scenario_writes_nothing(store: Store) -> None:
    with pytest.raises(UnknownScenario):
        await save_practice_call(store, "alice", {"scenario": "moon"}, [said("안녕", 0.0)])
    assert await store.transcripts.recent("alice") == []
