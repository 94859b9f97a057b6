"""Durable transcripts and history: SQLite by default, PostgreSQL when `TALKLINE_DATABASE_URL` says so."""

from talkline.store.errors import ConversationNotFound, NotFound, StoreConfigError
from talkline.store.records import Conversation, ConversationSummary, TimedMessage
from talkline.store.store import Store, create_store, store_url
from talkline.store.transcripts import Transcripts

__all__ = [
    "Conversation", "ConversationNotFound", "ConversationSummary", "NotFound", "Store", "StoreConfigError",
    "TimedMessage", "Transcripts", "create_store", "store_url",
]
