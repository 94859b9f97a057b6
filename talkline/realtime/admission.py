"""Admission control: past capacity a new session is refused cleanly instead of slowing every call."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class SessionLimitReached(Exception):
    pass


class Admission:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active = 0

    @contextmanager
    def admit(self) -> Iterator[None]:
        if self.active >= self.limit:
            raise SessionLimitReached(f"the server is at its limit of {self.limit} concurrent sessions")
        self.active += 1
        try:
            yield
        finally:
            self.active -= 1
