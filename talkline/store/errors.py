"""Typed errors of the store."""

from __future__ import annotations


class StoreConfigError(ValueError):
    """The database URL names a backend the store does not support."""


class NotFound(LookupError):
    """No such row for this owner. Another owner's row is reported exactly like a missing one."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} '{key}' not found")
        self.kind = kind
        self.key = key


class ConversationNotFound(NotFound):
    def __init__(self, conversation_id: str) -> None:
        super().__init__("conversation", conversation_id)
