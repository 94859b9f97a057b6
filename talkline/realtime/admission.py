"""Admission control: past capacity a new session is refused cleanly instead of slowing every call.

A slot is freed the moment its client is gone (talkline.realtime.transport.WebSocketTransport calls
`Slot.release`), not when the session has finished tidying up (cancelling work, saving its transcript):
a client that reconnects at once finds its slot free.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from talkline.metrics import SESSIONS


class SessionLimitReached(Exception):
    pass


class Slot:
    def __init__(self, admission: Admission) -> None:
        self._admission: Admission | None = admission

    def release(self) -> None:
        """Idempotent: the first call frees the slot."""
        if self._admission is not None:
            self._admission.active -= 1
            self._admission = None
            SESSIONS.dec()


class Admission:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active = 0

    def claim(self) -> Slot:
        if self.active >= self.limit:
            raise SessionLimitReached(f"the server is at its limit of {self.limit} concurrent sessions")
        self.active += 1
        SESSIONS.inc()
        return Slot(self)

    @contextmanager
    def admit(self) -> Iterator[Slot]:
        slot = self.claim()
        try:
            yield slot
        finally:
            slot.release()
