"""Transcripts of the audio replies this process produced, so later requests may refer to them.

A chat history may carry `{"role": "assistant", "audio": {"id": "audio_…"}}` instead of the reply's
text; the id stands for the transcript until it expires. Kept in memory per process (bounded):
a replica that did not produce the reply answers 400, like an expired id.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable

DEFAULT_TTL_S = 3600
DEFAULT_CAPACITY = 10_000


def new_audio_id() -> str:
    return "audio_" + secrets.token_hex(12)


class AudioReplyStore:
    def __init__(self, ttl_s: int = DEFAULT_TTL_S, capacity: int = DEFAULT_CAPACITY,
                 clock: Callable[[], float] = time.time) -> None:
        self.ttl_s = ttl_s
        self.capacity = capacity
        self._clock = clock
        # insertion order is expiry order, since every entry lives for the same time
        self._entries: OrderedDict[tuple[str, str], tuple[str, int]] = OrderedDict()

    def remember(self, owner: str, audio_id: str, transcript: str) -> int:
        """Keep `transcript` under `audio_id` for `owner`; returns the expiry (unix seconds)."""
        self._prune()
        expires_at = int(self._clock()) + self.ttl_s
        self._entries[(owner, audio_id)] = (transcript, expires_at)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)
        return expires_at

    def transcript(self, owner: str, audio_id: str) -> str | None:
        """The transcript, or None when the id is unknown, expired or someone else's."""
        self._prune()
        entry = self._entries.get((owner, audio_id))
        return entry[0] if entry else None

    def _prune(self) -> None:
        now = self._clock()
        while self._entries:
            _, (_, expires_at) = next(iter(self._entries.items()))
            if expires_at > now:
                return
            self._entries.popitem(last=False)
