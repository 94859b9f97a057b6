"""A jitter buffer for incoming Opus audio that decodes a packet as soon as it is next in order.

aiortc's buffer treats a frame as complete only when a packet of the next frame has arrived (and then
waits for `prefetch` more), which suits video; an audio packet is a whole Opus frame, so waiting adds 20 ms
or more on every turn for nothing. Out of order or lost packets are handled as aiortc does: later packets
wait in the buffer, and a gap is given up when the buffer is full."""

from __future__ import annotations

from aiortc.jitterbuffer import JitterBuffer, JitterFrame

CAPACITY = 4  # packets (80 ms): how long a lost packet is waited for; a power of two


class AudioJitterBuffer(JitterBuffer):
    def __init__(self, capacity: int = CAPACITY) -> None:
        super().__init__(capacity=capacity, prefetch=0)

    def _remove_frame(self, sequence_number: int) -> JitterFrame | None:
        """The packet at the head, if it is there: one packet, one frame."""
        if self._origin is None:
            return None
        packet = self._packets[self._origin % self._capacity]
        if packet is None:
            return None
        self.remove(1)
        return JitterFrame(data=packet._data, timestamp=packet.timestamp)  # noqa: SLF001
