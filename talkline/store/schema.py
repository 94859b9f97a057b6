"""The platform's tables, as SQLAlchemy declarative models. Applications declare theirs on the same `Base`
(their rows may refer to a conversation); the store creates every table declared on it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

JsonColumn = JSON().with_variant(JSONB(), "postgresql")
Timestamp = DateTime(timezone=True)


class Base(DeclarativeBase):
    pass


class ConversationRow(Base):
    """One conversation (a call, a chat) of any profile."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    profile: Mapped[str] = mapped_column(String(100))
    session_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Timestamp)
    ended_at: Mapped[datetime | None] = mapped_column(Timestamp)
    # `metadata` is reserved on declarative classes, hence the attribute name
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JsonColumn, default=dict)

    messages: Mapped[list[MessageRow]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(MessageRow.started_at, MessageRow.id)", lazy="raise")

    __table_args__ = (Index("ix_conversations_owner_created", "owner", "created_at"),)


class MessageRow(Base):
    """One transcript message; times are seconds since the conversation started."""

    __tablename__ = "conversation_messages"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    started_at: Mapped[float] = mapped_column(Float)
    ended_at: Mapped[float] = mapped_column(Float)
    # the job that wrote this message, so a retried job never writes its turn twice
    turn_id: Mapped[str | None] = mapped_column(String(64), index=True)

    conversation: Mapped[ConversationRow] = relationship(back_populates="messages", lazy="raise")
