"""What goes into the store and what comes out: pydantic models, JSON-ready for the HTTP API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from talkline.agent.history import Role


class TimedMessage(BaseModel):
    """A transcript message with its time span in seconds since the call started."""

    model_config = ConfigDict(frozen=True)

    role: Role
    text: str
    started_at: float = Field(ge=0)
    ended_at: float = Field(ge=0)

    @model_validator(mode="after")
    def _ends_after_start(self) -> TimedMessage:
        if self.ended_at < self.started_at:
            raise ValueError(f"message ends ({self.ended_at}) before it starts ({self.started_at})")
        return self

    @property
    def duration(self) -> float:
        return self.ended_at - self.started_at


class ConversationSummary(BaseModel):
    id: str
    profile: str
    session_id: str | None
    created_at: datetime
    ended_at: datetime | None
    metadata: dict[str, Any]


class Conversation(ConversationSummary):
    messages: list[TimedMessage]


def utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time the store stores is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def utc_or_none(moment: datetime | None) -> datetime | None:
    return None if moment is None else utc(moment)
