"""Settings and clients for the deployments the fault tests break."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.jobs.conftest import BROKER_URL, REDIS_URL

KEY = "tl-faults-key"
QUESTION = "How do I throw away an empty plastic water bottle?"


def fake_env(data: Path, *, tts_pace: float = 0.3, **settings: str) -> dict[str, str]:
    """A server or worker on the fake engines (eco's agent too), `tts_pace` s per second of speech."""
    data.mkdir(parents=True, exist_ok=True)
    profiles = data / "profiles.toml"
    profiles.write_text(f'[profiles.eco.agent]\nkind = "fake"\n\n[profiles.eco.tts]\nkind = "fake"\npace = {tts_pace}\n',
                        encoding="utf-8")
    return {"TALKLINE_API_KEYS": KEY, "TALKLINE_ENGINES": "fake", "TALKLINE_WARM_UP": "false",
            "TALKLINE_PROFILES_FILE": str(profiles), "TALKLINE_JOB_TIMEOUT_SECONDS": "120",
            "TALKLINE_SSE_KEEPALIVE_SECONDS": "2", **{f"TALKLINE_{k.upper()}": v for k, v in settings.items()}}


def distributed_env(data: Path, *, broker_url: str = BROKER_URL, redis_url: str = REDIS_URL,
                    tts_pace: float = 0.3, **settings: str) -> dict[str, str]:
    """RabbitMQ + Redis (the shared ones unless a test brings its own), isolated by a name prefix."""
    return fake_env(data, tts_pace=tts_pace, broker_url=broker_url, redis_url=redis_url,
                    jobs_name_prefix=f"f{uuid.uuid4().hex[:10]}.", **settings)


def client(url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {KEY}"}, timeout=60)


async def submit_chat(http: httpx.AsyncClient, session: str, message: str = QUESTION) -> dict[str, Any]:
    response = await http.post("/v1/chat", json={"session_id": session, "message": message,
                                                  "modalities": ["text", "audio"]})
    assert response.status_code == 202, response.text
    return response.json()


@dataclass
class LiveRead:
    """An SSE reader that keeps what it got so far: events (id, name, data) and keepalive comments."""

    events: list[tuple[str, str, Any]] = field(default_factory=list)
    keepalives: int = 0
    reconnects: int = 0

    @property
    def names(self) -> list[str]:
        return [name for _, name, _ in self.events]

    def of(self, name: str) -> list[Any]:
        return [data for _, event, data in self.events if event == name]

    async def until(self, count: int, within_s: float = 60.0) -> None:
        async with asyncio.timeout(within_s):
            while len(self.events) < count:  # noqa: ASYNC110 (polled: the reader task appends)
                await asyncio.sleep(0.05)


async def follow(http: httpx.AsyncClient, url: str, read: LiveRead, *, within_s: float = 150.0) -> LiveRead:
    """Reads a job's stream to its terminal event, reconnecting with Last-Event-ID as an EventSource
    does when the connection drops (counted in `read.reconnects`)."""
    async with asyncio.timeout(within_s):
        while not (read.events and read.events[-1][1] in ("done", "error")):
            try:
                await _read_once(http, url, read)
            except httpx.HTTPError:
                read.reconnects += 1
                await asyncio.sleep(0.5)
    return read


async def _read_once(http: httpx.AsyncClient, url: str, read: LiveRead) -> None:
    headers = {"Accept": "text/event-stream"}
    if read.events:
        headers["Last-Event-ID"] = read.events[-1][0]
    async with http.stream("GET", url, headers=headers, timeout=httpx.Timeout(60, read=30)) as response:
        if response.status_code != 200:
            raise httpx.HTTPStatusError(f"status {response.status_code}", request=response.request,
                                        response=response)
        current: dict[str, str] = {}
        async for line in response.aiter_lines():
            if line.startswith(":"):
                read.keepalives += 1
            elif line == "" and "event" in current:
                read.events.append((current.get("id", ""), current["event"], json.loads(current.get("data", "null"))))
                current = {}
                if read.events[-1][1] in ("done", "error"):
                    return
            elif line:
                name, _, value = line.partition(":")
                current[name] = value[1:] if value.startswith(" ") else value
    raise httpx.ReadError("the stream ended before its terminal event")


def assert_every_event_once(read: LiveRead) -> None:
    """One consistent stream: ids strictly increasing (nothing twice, nothing out of order), `queued`
    first, exactly one terminal event and it is `done`, tokens and audio chunks numbered 1..n with no
    gap, and the done text is exactly the tokens put together."""
    ids = [int(event_id.split("-")[0]) for event_id, _, _ in read.events]
    assert ids == sorted(set(ids)), f"duplicated or reordered events: {ids}"
    names = read.names
    assert names[0] == "queued" and names[-1] == "done", names
    assert names.count("done") + names.count("error") == 1, names
    tokens = read.of("token")
    assert tokens and [t["seq"] for t in tokens] == list(range(1, len(tokens) + 1))
    assert "".join(t["content"] for t in tokens) == read.of("done")[0]["text"]
    chunks = read.of("audio_chunk")
    assert [c["seq"] for c in chunks] == list(range(1, len(chunks) + 1))
