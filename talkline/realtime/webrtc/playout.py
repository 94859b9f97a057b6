"""The server's side of the call's audio: a track that plays queued reply audio at real time.

The session sends audio faster than real time; here it waits in a queue and leaves in 20 ms frames on
the track's own clock, so the server knows exactly how much of each item was heard (for barge-in
truncation) and when playback starts and stops (`output_audio_buffer.started/stopped`).
"""

from __future__ import annotations

import asyncio
import fractions
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import av
import numpy as np
from aiortc import MediaStreamTrack

RATE = 48000
FRAME_SAMPLES = 960  # 20 ms
FRAME_BYTES = FRAME_SAMPLES * 2
TIME_BASE = fractions.Fraction(1, RATE)


@dataclass
class Segment:
    """Queued audio of one response's item (48 kHz mono s16)."""

    response_id: str
    item_id: str
    data: bytearray = field(default_factory=bytearray)


@dataclass
class PlayoutEvents:
    """Called on the event loop when playback of a response starts or has played all its audio."""

    started: Callable[[str], None]
    stopped: Callable[[str], None]


class Playout:
    """The queue and its bookkeeping, independent of the track so it can be reasoned about alone."""

    def __init__(self, events: PlayoutEvents) -> None:
        self.events = events
        self._segments: deque[Segment] = deque()
        self._played_bytes: dict[str, int] = {}
        self._finished: set[str] = set()  # responses whose audio is all queued
        self.playing: str | None = None  # the response being heard
        self.current_item: str | None = None

    def queue(self, response_id: str, item_id: str, pcm48k: bytes) -> None:
        if self._segments and self._segments[-1].item_id == item_id:
            self._segments[-1].data += pcm48k
        else:
            self._segments.append(Segment(response_id, item_id, bytearray(pcm48k)))

    def finish(self, response_id: str) -> None:
        """All of this response's audio has been queued."""
        self._finished.add(response_id)
        if self.playing == response_id and not self._segments:
            self._stop()

    def played_ms(self, item_id: str) -> int:
        return self._played_bytes.get(item_id, 0) * 1000 // (RATE * 2)

    @property
    def queued_ms(self) -> float:
        return sum(len(segment.data) for segment in self._segments) * 1000 / (RATE * 2)

    def clear(self) -> str | None:
        """Drop what is queued; the response that was being heard (if any)."""
        was = self.playing
        self._segments.clear()
        self.playing = None
        return was

    def next_frame(self) -> bytes:
        """20 ms of audio: queued reply audio, or silence."""
        out = bytearray()
        while len(out) < FRAME_BYTES and self._segments:
            segment = self._segments[0]
            if self.playing != segment.response_id:
                self.playing = segment.response_id
                self.events.started(segment.response_id)
            self.current_item = segment.item_id
            take = segment.data[:FRAME_BYTES - len(out)]
            del segment.data[:len(take)]
            out += take
            self._played_bytes[segment.item_id] = self._played_bytes.get(segment.item_id, 0) + len(take)
            if not segment.data:
                self._segments.popleft()
        if self.playing is not None and not self._segments and self.playing in self._finished:
            self._stop()
        return bytes(out) + bytes(FRAME_BYTES - len(out))

    def _stop(self) -> None:
        response_id, self.playing = self.playing, None
        if response_id is not None:
            self._finished.discard(response_id)
            self.events.stopped(response_id)


class PlayoutTrack(MediaStreamTrack):
    """An audio track that sends the playout's frames every 20 ms of wall-clock time."""

    kind = "audio"

    def __init__(self, playout: Playout) -> None:
        super().__init__()
        self.playout = playout
        self._start: float | None = None
        self._pts = 0

    async def recv(self) -> av.AudioFrame:
        if self._start is None:
            self._start = time.monotonic()
        else:
            self._pts += FRAME_SAMPLES
            delay = self._start + self._pts / RATE - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        samples = np.frombuffer(self.playout.next_frame(), dtype=np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = RATE
        frame.pts = self._pts
        frame.time_base = TIME_BASE
        return frame
