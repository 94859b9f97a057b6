"""Conversations and their transcripts, for any profile. Every call is scoped to one owner."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from talkline.store.errors import ConversationNotFound
from talkline.store.records import Conversation, ConversationSummary, TimedMessage, utc, utc_or_none
from talkline.store.schema import ConversationRow, MessageRow


class Transcripts:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def create(self, owner: str, profile: str, *, session_id: str | None = None,
                     metadata: Mapping[str, Any] | None = None, created_at: datetime | None = None,
                     conversation_id: str | None = None) -> ConversationSummary:
        """Open a conversation; its messages' times count from `created_at` (default: now).

        `conversation_id` lets a caller reuse an id it already handed out (a Realtime session's id)."""
        row = ConversationRow(id=conversation_id or f"conv_{uuid.uuid4().hex}", owner=owner, profile=profile, session_id=session_id,
                              created_at=utc(created_at or datetime.now(UTC)), ended_at=None,
                              meta=dict(metadata or {}))
        async with self._sessions.begin() as session:
            session.add(row)
        return summary_of(row)

    async def record(self, owner: str, profile: str, conversation_id: str, messages: Sequence[TimedMessage], *,
                     session_id: str | None = None, metadata: Mapping[str, Any] | None = None,
                     created_at: datetime | None = None, ended_at: datetime | None = None) -> bool:
        """Store a whole, ended conversation in one transaction; idempotent by `conversation_id`.

        Returns False, writing nothing, when that conversation is already stored, so a caller may
        retry after a failure whose outcome it could not see (a connection lost at commit) without
        ever storing a message twice."""
        async with self._sessions.begin() as session:
            if await session.get(ConversationRow, conversation_id) is not None:
                return False
            session.add(ConversationRow(id=conversation_id, owner=owner, profile=profile, session_id=session_id,
                                        created_at=utc(created_at or datetime.now(UTC)),
                                        ended_at=utc(ended_at or datetime.now(UTC)), meta=dict(metadata or {})))
            await session.flush()  # the conversation row first: the messages reference it
            session.add_all(MessageRow(conversation_id=conversation_id, role=m.role, text=m.text,
                                       started_at=m.started_at, ended_at=m.ended_at) for m in messages)
        return True

    async def append(self, owner: str, conversation_id: str, messages: Sequence[TimedMessage]) -> None:
        async with self._sessions.begin() as session:
            await owned_conversation(session, owner, conversation_id)
            session.add_all(MessageRow(conversation_id=conversation_id, role=m.role, text=m.text,
                                       started_at=m.started_at, ended_at=m.ended_at) for m in messages)

    async def end(self, owner: str, conversation_id: str, *, ended_at: datetime | None = None,
                  metadata: Mapping[str, Any] | None = None) -> ConversationSummary:
        """Mark the conversation ended; `metadata` is merged into what it already has."""
        async with self._sessions.begin() as session:
            row = await owned_conversation(session, owner, conversation_id)
            row.ended_at = utc(ended_at or datetime.now(UTC))
            if metadata:
                row.meta = {**row.meta, **metadata}
        return summary_of(row)

    async def get(self, owner: str, conversation_id: str) -> Conversation:
        async with self._sessions() as session:
            row = await owned_conversation(session, owner, conversation_id, with_messages=True)
            return Conversation(**summary_of(row).model_dump(), messages=messages_of(row))

    async def recent(self, owner: str, *, profile: str | None = None, limit: int = 50,
                     offset: int = 0) -> list[ConversationSummary]:
        """The owner's conversations, newest first."""
        query = (select(ConversationRow).where(ConversationRow.owner == owner)
                 .order_by(ConversationRow.created_at.desc(), ConversationRow.id.desc())
                 .limit(limit).offset(offset))
        if profile is not None:
            query = query.where(ConversationRow.profile == profile)
        async with self._sessions() as session:
            return [summary_of(row) for row in await session.scalars(query)]


async def owned_conversation(session: AsyncSession, owner: str, conversation_id: str, *,
                             with_messages: bool = False) -> ConversationRow:
    query = select(ConversationRow).where(ConversationRow.id == conversation_id, ConversationRow.owner == owner)
    if with_messages:
        query = query.options(selectinload(ConversationRow.messages))
    row = await session.scalar(query)
    if row is None:
        raise ConversationNotFound(conversation_id)
    return row


def summary_of(row: ConversationRow) -> ConversationSummary:
    return ConversationSummary(id=row.id, profile=row.profile, session_id=row.session_id,
                               created_at=utc(row.created_at), ended_at=utc_or_none(row.ended_at),
                               metadata=dict(row.meta or {}))


def messages_of(row: ConversationRow) -> list[TimedMessage]:
    return [TimedMessage(role=m.role, text=m.text, started_at=m.started_at, ended_at=m.ended_at)  # type: ignore[arg-type]
            for m in row.messages]
