"""Conversations that continue across jobs under one `session_id` (voice jobs and chat).

Each job writes its turn (the user's message and the reply) once, keyed by the job id: a job that
is redelivered after a crash finds its turn already written and does not add it again, and it
never sees its own earlier attempt in the history it answers from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from talkline.agent.history import Message, Turn
from talkline.store.records import utc
from talkline.store.schema import ConversationRow, MessageRow

HISTORY_LIMIT = 200  # newest messages an agent is given


def session_conversation_id(owner: str, session_id: str) -> str:
    return "sess_" + hashlib.sha256(f"{owner}\0{session_id}".encode()).hexdigest()[:32]


class SessionHistory:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def load(self, owner: str, session_id: str, *, exclude_turn: str) -> list[Turn]:
        conversation_id = session_conversation_id(owner, session_id)
        query = (select(MessageRow).join(ConversationRow)
                 .where(MessageRow.conversation_id == conversation_id, ConversationRow.owner == owner,
                        (MessageRow.turn_id.is_(None)) | (MessageRow.turn_id != exclude_turn))
                 .order_by(MessageRow.started_at.desc(), MessageRow.id.desc()).limit(HISTORY_LIMIT))
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        return [Message(row.role, row.text) for row in reversed(rows)]  # type: ignore[arg-type]

    async def append(self, owner: str, session_id: str, *, turn_id: str, profile: str,
                     messages: Sequence[Message]) -> None:
        conversation_id = session_conversation_id(owner, session_id)
        await self._ensure_conversation(conversation_id, owner, profile, session_id)
        async with self._sessions.begin() as session:
            written = await session.scalar(select(MessageRow.id).where(
                MessageRow.conversation_id == conversation_id, MessageRow.turn_id == turn_id).limit(1))
            if written is not None:
                return
            created = await session.scalar(select(ConversationRow.created_at).where(
                ConversationRow.id == conversation_id))
            at = (datetime.now(UTC) - utc(created)).total_seconds() if created else 0.0
            session.add_all(MessageRow(conversation_id=conversation_id, role=m.role, text=m.text, started_at=at,
                                       ended_at=at, turn_id=turn_id) for m in messages)

    async def _ensure_conversation(self, conversation_id: str, owner: str, profile: str, session_id: str) -> None:
        async with self._sessions() as session:
            if await session.get(ConversationRow, conversation_id) is not None:
                return
            session.add(ConversationRow(id=conversation_id, owner=owner, profile=profile, session_id=session_id,
                                        created_at=datetime.now(UTC), ended_at=None, meta={"kind": "jobs"}))
            try:
                await session.commit()
            except IntegrityError:  # another worker created it first
                await session.rollback()
