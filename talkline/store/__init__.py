"""Durable transcripts and history: SQLite by default, PostgreSQL when `TALKLINE_DATABASE_URL` says so."""

from talkline.store.errors import ConversationNotFound, NotFound, PracticeSessionNotFound, StoreConfigError
from talkline.store.practice import PracticeHistory
from talkline.store.records import (
    Conversation,
    ConversationSummary,
    PracticeSession,
    PracticeSessionSummary,
    TimedMessage,
)
from talkline.store.store import Store, create_store, store_url
from talkline.store.transcripts import Transcripts

__all__ = [
    "Conversation", "ConversationNotFound", "ConversationSummary", "NotFound", "PracticeHistory",
    "PracticeSession", "PracticeSessionNotFound", "PracticeSessionSummary", "Store", "StoreConfigError",
    "TimedMessage", "Transcripts", "create_store", "store_url",
]
