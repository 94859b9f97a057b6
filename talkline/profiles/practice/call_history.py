"""Practice sessions: a conversation plus its scenario, persona and feedback (the application's own table,
created by the store with the platform's)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from talkline.store import NotFound, Store, TimedMessage
from talkline.store.records import utc, utc_or_none
from talkline.store.schema import Base, ConversationRow, JsonColumn
from talkline.store.transcripts import messages_of, owned_conversation


class PracticeSessionRow(Base):
    """The practice details of a conversation: which scenario and persona, and the feedback."""

    __tablename__ = "practice_sessions"

    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    scenario: Mapped[str] = mapped_column(String(64))
    persona: Mapped[str] = mapped_column(String(64))
    feedback: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn)

    conversation: Mapped[ConversationRow] = relationship(lazy="raise")


class PracticeSessionSummary(BaseModel):
    id: str  # the conversation id
    scenario: str
    persona: str
    created_at: datetime
    ended_at: datetime | None
    feedback: dict[str, Any] | None


class PracticeSession(PracticeSessionSummary):
    messages: list[TimedMessage]


class PracticeSessionNotFound(NotFound):
    def __init__(self, session_id: str) -> None:
        super().__init__("practice session", session_id)


def practice_history(store: Store) -> PracticeHistory:
    """The practice history on `store`."""
    return store.repository(PracticeHistory)


class PracticeHistory:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def attach(self, owner: str, conversation_id: str, *, scenario: str, persona: str,
                     feedback: Mapping[str, Any] | None = None) -> PracticeSessionSummary:
        """Record (or update) the practice details of one of the owner's conversations."""
        async with self._sessions.begin() as session:
            conversation = await owned_conversation(session, owner, conversation_id)
            row = await session.get(PracticeSessionRow, conversation_id)
            if row is None:
                row = PracticeSessionRow(conversation_id=conversation_id, scenario=scenario, persona=persona)
                session.add(row)
            row.scenario, row.persona = scenario, persona
            row.feedback = None if feedback is None else dict(feedback)
            return _summary(row, conversation)

    async def recent(self, owner: str, *, limit: int = 50, offset: int = 0) -> list[PracticeSessionSummary]:
        """The owner's practice sessions, newest first."""
        query = (select(PracticeSessionRow, ConversationRow)
                 .join(ConversationRow, PracticeSessionRow.conversation_id == ConversationRow.id)
                 .where(ConversationRow.owner == owner)
                 .order_by(ConversationRow.created_at.desc(), ConversationRow.id.desc())
                 .limit(limit).offset(offset))
        async with self._sessions() as session:
            return [_summary(practice, conversation) for practice, conversation in await session.execute(query)]

    async def get(self, owner: str, session_id: str) -> PracticeSession:
        query = (select(PracticeSessionRow, ConversationRow)
                 .join(ConversationRow, PracticeSessionRow.conversation_id == ConversationRow.id)
                 .where(ConversationRow.owner == owner, ConversationRow.id == session_id)
                 .options(selectinload(ConversationRow.messages)))
        async with self._sessions() as session:
            found = (await session.execute(query)).first()
            if found is None:
                raise PracticeSessionNotFound(session_id)
            practice, conversation = found
            return PracticeSession(**_summary(practice, conversation).model_dump(),
                                   messages=messages_of(conversation))


def _summary(practice: PracticeSessionRow, conversation: ConversationRow) -> PracticeSessionSummary:
    return PracticeSessionSummary(id=conversation.id, scenario=practice.scenario, persona=practice.persona,
                                  created_at=utc(conversation.created_at),
                                  ended_at=utc_or_none(conversation.ended_at), feedback=practice.feedback)

