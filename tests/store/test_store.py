"""Transcripts and practice history, on SQLite and PostgreSQL: round trips, order, and owners kept apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from talkline.profiles.practice.call_history import PracticeSessionNotFound, practice_history
from talkline.settings import Settings
from talkline.store import (
    ConversationNotFound,
    Store,
    StoreConfigError,
    TimedMessage,
    create_store,
    store_url,
)

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def msg(role: str, text: str, start: float, end: float) -> TimedMessage:
    return TimedMessage(role=role, text=text, started_at=start, ended_at=end)  # type: ignore[arg-type]


async def test_a_transcript_round_trip(store: Store) -> None:
    created = await store.transcripts.create("alice", "eco", session_id="sess_1", metadata={"client": "web"},
                                             created_at=T0)
    assert created.id.startswith("conv_") and created.created_at == T0 and created.ended_at is None
    await store.transcripts.append("alice", created.id, [msg("assistant", "무엇을 도와드릴까요?", 0.0, 1.8),
                                                         msg("user", "페트병은 어떻게 버려요?", 2.4, 4.1)])
    await store.transcripts.append("alice", created.id, [msg("assistant", "라벨을 떼고 버리세요.", 4.5, 6.0)])
    ended = await store.transcripts.end("alice", created.id, ended_at=T0 + timedelta(seconds=7),
                                        metadata={"turns": 1})

    assert ended.ended_at == T0 + timedelta(seconds=7)
    conversation = await store.transcripts.get("alice", created.id)
    assert (conversation.profile, conversation.session_id) == ("eco", "sess_1")
    assert conversation.metadata == {"client": "web", "turns": 1}
    assert conversation.created_at.tzinfo is not None and conversation.created_at == T0
    assert [(m.role, m.text, m.started_at, m.ended_at) for m in conversation.messages] == [
        ("assistant", "무엇을 도와드릴까요?", 0.0, 1.8), ("user", "페트병은 어떻게 버려요?", 2.4, 4.1),
        ("assistant", "라벨을 떼고 버리세요.", 4.5, 6.0)]


async def test_recording_a_whole_conversation_is_idempotent(store: Store) -> None:
    """The recorder retries after a failure it could not see the outcome of: the second write stores nothing."""
    messages = [msg("user", "Where do batteries go?", 0.0, 1.5), msg("assistant", "To the collection box.", 1.9, 3.0)]
    assert await store.transcripts.record("alice", "eco", "sess_rec", messages, session_id="sess_rec",
                                          created_at=T0, ended_at=T0 + timedelta(seconds=3))
    assert not await store.transcripts.record("alice", "eco", "sess_rec", messages, session_id="sess_rec")
    conversation = await store.transcripts.get("alice", "sess_rec")
    assert [m.text for m in conversation.messages] == [m.text for m in messages]
    assert conversation.ended_at == T0 + timedelta(seconds=3)


async def test_messages_come_back_in_spoken_order(store: Store) -> None:
    conversation = await store.transcripts.create("alice", "practice")
    # the user's transcript arrives after the reply that followed it started
    await store.transcripts.append("alice", conversation.id, [msg("assistant", "second", 3.0, 4.0)])
    await store.transcripts.append("alice", conversation.id, [msg("user", "first", 1.0, 2.5)])
    assert [m.text for m in (await store.transcripts.get("alice", conversation.id)).messages] == ["first", "second"]


async def test_recent_conversations_newest_first_by_profile_and_page(store: Store) -> None:
    ids = [(await store.transcripts.create("alice", profile, created_at=T0 + timedelta(minutes=n))).id
           for n, profile in enumerate(["eco", "practice", "eco"])]
    await store.transcripts.create("bob", "eco", created_at=T0 + timedelta(hours=1))
    assert [c.id for c in await store.transcripts.recent("alice")] == ids[::-1]
    assert [c.id for c in await store.transcripts.recent("alice", profile="eco")] == [ids[2], ids[0]]
    assert [c.id for c in await store.transcripts.recent("alice", limit=1, offset=1)] == [ids[1]]


async def test_an_owner_cannot_read_or_write_another_owners_conversation(store: Store) -> None:
    alices = await store.transcripts.create("alice", "practice")
    await store.transcripts.append("alice", alices.id, [msg("user", "비밀", 0.0, 1.0)])
    with pytest.raises(ConversationNotFound) as raised:
        await store.transcripts.get("mallory", alices.id)
    assert str(raised.value) == f"conversation '{alices.id}' not found"
    with pytest.raises(ConversationNotFound):
        await store.transcripts.append("mallory", alices.id, [msg("user", "injected", 1.0, 2.0)])
    with pytest.raises(ConversationNotFound):
        await store.transcripts.end("mallory", alices.id)
    with pytest.raises(ConversationNotFound):
        await practice_history(store).attach("mallory", alices.id, scenario="mart", persona="saerom")
    assert await store.transcripts.recent("mallory") == []

    untouched = await store.transcripts.get("alice", alices.id)
    assert [m.text for m in untouched.messages] == ["비밀"] and untouched.ended_at is None


async def test_practice_sessions(store: Store) -> None:
    first = await store.transcripts.create("alice", "practice", created_at=T0)
    second = await store.transcripts.create("alice", "practice", created_at=T0 + timedelta(minutes=5))
    plain = await store.transcripts.create("alice", "eco", created_at=T0 + timedelta(minutes=9))
    await store.transcripts.append("alice", second.id, [msg("user", "봉투 하나 주세요", 1.0, 2.0)])
    await practice_history(store).attach("alice", first.id, scenario="bank", persona="gildong")
    await practice_history(store).attach("alice", second.id, scenario="mart", persona="saerom", feedback={"goal_reached": False})
    updated = await practice_history(store).attach("alice", second.id, scenario="mart", persona="saerom",
                                          feedback={"goal_reached": True, "north_korean_words": [{"north": "닭알"}]})
    assert updated.feedback == {"goal_reached": True, "north_korean_words": [{"north": "닭알"}]}

    listed = await practice_history(store).recent("alice")
    assert [(s.id, s.scenario, s.persona) for s in listed] == [(second.id, "mart", "saerom"),
                                                               (first.id, "bank", "gildong")]
    assert listed[1].feedback is None
    session = await practice_history(store).get("alice", second.id)
    assert session.feedback == updated.feedback and [m.text for m in session.messages] == ["봉투 하나 주세요"]

    with pytest.raises(PracticeSessionNotFound):
        await practice_history(store).get("alice", plain.id)  # a conversation, but not a practice session
    with pytest.raises(PracticeSessionNotFound):
        await practice_history(store).get("bob", second.id)
    assert await practice_history(store).recent("bob") == []


async def test_tables_are_created_once_and_data_survives_a_restart(store: Store, store_url: str) -> None:
    async with create_store(store_url) as first:
        conversation = await first.transcripts.create("alice", "practice")
        await first.start()  # creating the tables again changes nothing
    async with create_store(store_url) as reopened:
        assert [c.id for c in await reopened.transcripts.recent("alice")] == [conversation.id]


async def test_an_in_memory_sqlite_store_keeps_its_data_between_sessions() -> None:
    async with create_store("sqlite+aiosqlite://") as store:
        conversation = await store.transcripts.create("alice", "practice")
        assert (await store.transcripts.get("alice", conversation.id)).id == conversation.id


def test_plain_urls_get_their_async_driver(tmp_path: Path) -> None:
    assert create_store(f"sqlite:///{tmp_path / 'a.db'}").engine.url.drivername == "sqlite+aiosqlite"
    assert create_store("postgresql://postgres@127.0.0.1/test").engine.url.drivername == "postgresql+asyncpg"


def test_unsupported_urls_are_refused_without_showing_the_password() -> None:
    with pytest.raises(StoreConfigError, match="unsupported database URL") as raised:
        create_store("mysql://admin:s3cret@db.example/talkline")
    assert "s3cret" not in str(raised.value)
    with pytest.raises(StoreConfigError, match="not a valid URL"):
        create_store("not a url")


def test_the_url_comes_from_settings(tmp_path: Path) -> None:
    assert store_url(Settings(data_dir=tmp_path)) == f"sqlite+aiosqlite:///{tmp_path / 'talkline.db'}"
    configured = "postgresql+asyncpg://postgres@db/talkline"
    assert store_url(Settings(data_dir=tmp_path, database_url=configured)) == configured


def test_a_message_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValidationError):
        msg("user", "네", 2.0, 1.0)
    with pytest.raises(ValidationError):
        msg("user", "네", -1.0, 1.0)
