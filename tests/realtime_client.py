"""Helpers for driving a Realtime connection in tests: stream real speech, collect events."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable
from typing import Any

from talkline.audio import Pcm

Event = Any


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def stream_audio(conn: Any, audio: Pcm | bytes, *, bytes_per_ms: int | None = None, chunk_ms: int = 40,
                       pace: float = 1.0, append: Callable[[str], Any] | None = None) -> float:
    """Append audio in `chunk_ms` pieces at `pace` times real time; returns when the last piece went out.

    `audio` is 24 kHz pcm16 (a Pcm at 24 kHz) or raw wire bytes with their `bytes_per_ms` (8 for G.711).
    """
    data = audio.data if isinstance(audio, Pcm) else audio
    per_ms = bytes_per_ms or (audio.rate * 2 // 1000 if isinstance(audio, Pcm) else 48)
    step = per_ms * chunk_ms
    started = time.monotonic()
    sent_ms = 0.0
    for offset in range(0, len(data), step):
        chunk = data[offset:offset + step]
        await (append or (lambda a: conn.input_audio_buffer.append(audio=a)))(b64(chunk))
        sent_ms += len(chunk) / per_ms
        delay = started + sent_ms / 1000 / pace - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
    return time.monotonic()


async def collect(conn: Any, until: Callable[[Event], bool], timeout: float = 60.0) -> list[Event]:
    """Events up to and including the first one for which `until` is true."""
    events: list[Event] = []

    async def read() -> None:
        while True:
            event = await conn.recv()
            events.append(event)
            if until(event):
                return

    try:
        await asyncio.wait_for(read(), timeout)
    except TimeoutError:
        raise AssertionError(f"timed out; got {[getattr(e, 'type', e) for e in events]}") from None
    return events


def types(events: list[Event]) -> list[str]:
    return [event.type for event in events]


def of_type(events: list[Event], name: str) -> list[Event]:
    return [event for event in events if event.type == name]


def is_type(name: str) -> Callable[[Event], bool]:
    return lambda event: event.type == name
