"""Practice sessions: a conversation plus its scenario, persona and feedback."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from talkline.store.errors import PracticeSessionNotFound
from talkline.store.records import PracticeSession, PracticeSessionSummary, utc, utc_or_none
from talkline.store.schema import ConversationRow, PracticeSessionRow
from talkline.store.transcripts import messages_of, owned_conversation


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

