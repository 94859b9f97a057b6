"""Where the client's playback is: audio is sent faster than real time and the client plays it in order.

The session needs this to know whether the assistant is still audible, for barge-in rules and the
idle timer.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class PlaybackClock:
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._start = 0.0  # wall time the queued audio started playing
        self._queued_ms = 0.0

    def queue(self, duration_ms: float) -> None:
        """Audio just sent to the client; it plays after whatever is still queued."""
        if not self.playing:
            self._start, self._queued_ms = self._now(), 0.0
        self._queued_ms += duration_ms

    @property
    def playing(self) -> bool:
        return self._now() < self._start + self._queued_ms / 1000

    @property
    def ends_at(self) -> float:
        """Monotonic time the queued audio finishes (or finished) playing."""
        return self._start + self._queued_ms / 1000

    @property
    def remaining_ms(self) -> float:
        return max(0.0, self._start * 1000 + self._queued_ms - self._now() * 1000)

    def stop(self) -> None:
        """The client cut playback (barge-in, truncate, clear)."""
        self._queued_ms = min(self._queued_ms, max(0.0, 1000 * (self._now() - self._start)))
