"""The call's transcript as it was heard, with times, stored when the call ends.

Messages are written at hang-up rather than as they happen because an assistant message changes
after it is spoken: a barge-in truncates it to what the user actually heard.

The transcript is written in one idempotent transaction. When the database is unreachable (a
restart, a failover) the first attempt fails fast and the write is retried in the background for
up to SAVE_RETRY_S, so the hang-up is not held up and a retry never stores a message twice.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from talkline.protocol.realtime.items import AssistantMessage, SystemMessage, UserMessage
from talkline.realtime.conversation import Conversation, message_text
from talkline.store import Store, TimedMessage

log = logging.getLogger(__name__)

SAVE_RETRY_S = 120.0
RETRY_PAUSES_S = (0.5, 1.0, 2.0, 5.0)
_retrying: set[asyncio.Task[None]] = set()  # transcripts still being written after their call ended


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

        async def record() -> None:
            await store.transcripts.record(owner, profile, session_id, messages, session_id=session_id,
                                           created_at=created, metadata={"surface": "realtime", **dict(options)})

        try:
            await record()
        except Exception as exc:
            log.warning("storing the transcript of %s failed (%s); retrying in the background", session_id,
                        type(exc).__name__)
            task = asyncio.create_task(_retry(record, session_id, self._finisher(store, owner, session_id, options,
                                                                                 finish)))
            _retrying.add(task)
            task.add_done_callback(_retrying.discard)
            return
        await self._finisher(store, owner, session_id, options, finish)()

    @staticmethod
    def _finisher(store: Store, owner: str, session_id: str, options: Mapping[str, Any], finish: Any) -> Any:
        async def run() -> None:
            if finish is None:
                return
            try:
                await finish(store, owner, session_id, options)
            except Exception:
                log.exception("finishing the call %s failed", session_id)

        return run


async def _retry(record: Any, session_id: str, then: Any) -> None:
    """Retries `record` with growing pauses for up to SAVE_RETRY_S, then runs `then`."""
    deadline = time.monotonic() + SAVE_RETRY_S
    for attempt in itertools.count():
        await asyncio.sleep(RETRY_PAUSES_S[min(attempt, len(RETRY_PAUSES_S) - 1)])
        try:
            await record()
        except Exception:
            if time.monotonic() >= deadline:
                log.exception("the transcript of %s could not be stored within %g s; it is lost", session_id,
                              SAVE_RETRY_S)
                return
            continue
        log.info("the transcript of %s was stored after %d retries", session_id, attempt + 1)
        await then()
        return
