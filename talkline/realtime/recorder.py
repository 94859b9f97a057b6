"""The call's transcript as it was heard, with times, stored when the call ends.

Messages are written at hang-up rather than as they happen because an assistant message changes
after it is spoken: a barge-in truncates it to what the user actually heard.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from talkline.protocol.realtime.items import AssistantMessage, SystemMessage, UserMessage
from talkline.realtime.conversation import Conversation, message_text
from talkline.store import Store, TimedMessage

log = logging.getLogger(__name__)


class CallRecorder:
    def __init__(self) -> None:
        self._started = time.monotonic()
        self._spans: dict[str, tuple[float, float]] = {}

    def now(self) -> float:
        """Seconds since the call started."""
        return time.monotonic() - self._started

    def span(self, item_id: str, start_s: float, end_s: float | None = None) -> None:
        self._spans[item_id] = (max(0.0, start_s), max(start_s, end_s if end_s is not None else start_s))

    def began(self, item_id: str) -> None:
        self.span(item_id, self.now())

    def messages(self, conversation: Conversation) -> list[TimedMessage]:
        timed: list[TimedMessage] = []
        for item in conversation.items():
            if not isinstance(item, UserMessage | AssistantMessage | SystemMessage) or item.role == "system":
                continue
            text = message_text(item).strip()
            if not text:
                continue
            start, end = self._spans.get(item.id, (self.now(), self.now()))
            spoken = conversation.spoken_audio(item.id)
            if spoken is not None:
                end = start + spoken.duration_ms / 1000
            timed.append(TimedMessage(role=item.role, text=text, started_at=round(start, 3),
                                      ended_at=round(max(start, end), 3)))
        return timed

    async def save(self, store: Store, *, owner: str, profile: str, conversation: Conversation, session_id: str,
                   options: Mapping[str, Any], finish: Any = None) -> None:
        """Store the transcript (if anything was said) and let the profile finish the call (feedback)."""
        messages = self.messages(conversation)
        if not messages:
            return
        created = datetime.now(UTC) - timedelta(seconds=self.now())
        try:
            await store.transcripts.create(owner, profile, session_id=session_id, conversation_id=session_id,
                                           created_at=created, metadata={"surface": "realtime", **dict(options)})
            await store.transcripts.append(owner, session_id, messages)
            await store.transcripts.end(owner, session_id)
            if finish is not None:
                await finish(store, owner, session_id, options)
        except Exception:
            log.exception("storing the transcript of %s failed", session_id)
