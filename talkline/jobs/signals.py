"""In-process wake-ups for the SQLite backends.

A writer in this process wakes the readers waiting on the same key at once; writes from other
processes sharing the database file are noticed by the readers' polling instead.
"""

from __future__ import annotations

import asyncio


class Signals:
    def __init__(self) -> None:
        self._waiters: dict[str, set[asyncio.Future[None]]] = {}

    def subscribe(self, key: str) -> asyncio.Future[None]:
        """Subscribe before checking the database, so a write right after the check still wakes."""
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(key, set()).add(wake)
        return wake

    def unsubscribe(self, key: str, wake: asyncio.Future[None]) -> None:
        waiters = self._waiters.get(key)
        if waiters is not None:
            waiters.discard(wake)
            if not waiters:
                del self._waiters[key]

    def notify(self, key: str) -> None:
        for wake in self._waiters.pop(key, set()):
            if not wake.done():
                wake.set_result(None)


async def sleep_until_woken(wake: asyncio.Future[None], max_wait_s: float) -> None:
    """Waits for `wake` or `max_wait_s`, whichever comes first."""
    await asyncio.wait({wake}, timeout=max(0.0, max_wait_s))
