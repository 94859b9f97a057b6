"""A small SSE reader for tests: ids, event names, JSON data, keepalive comments counted."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

TERMINAL = {"done", "error"}


@dataclass
class SseEvent:
    id: str | None
    event: str
    data: Any


@dataclass
class SseRead:
    events: list[SseEvent] = field(default_factory=list)
    comments: int = 0

    def of(self, name: str) -> list[SseEvent]:
        return [e for e in self.events if e.event == name]

    @property
    def names(self) -> list[str]:
        return [e.event for e in self.events]


async def read_sse(http: httpx.AsyncClient, url: str, *, last_event_id: str | None = None,
                   stop_after: int | None = None, params: dict[str, str] | None = None) -> SseRead:
    """Events until the terminal one (or `stop_after` events, to simulate a dropped connection)."""
    headers = {"Accept": "text/event-stream"} | ({"Last-Event-ID": last_event_id} if last_event_id else {})
    result = SseRead()
    async with http.stream("GET", url, headers=headers, params=params, timeout=120) as response:
        response.raise_for_status()
        current: dict[str, Any] = {}
        async for line in response.aiter_lines():
            if line.startswith(":"):
                result.comments += 1
            elif line == "":
                if "event" in current or "data" in current:
                    event = SseEvent(current.get("id"), current.get("event", "message"),
                                     json.loads(current.get("data", "null")))
                    result.events.append(event)
                    current = {}
                    if event.event in TERMINAL or (stop_after and len(result.events) >= stop_after):
                        return result
            else:
                name, _, value = line.partition(":")
                current[name] = value[1:] if value.startswith(" ") else value
    return result
