"""A session driven in-process through a scripted transport (the OpenAI Agents SDK's testing style):
frames in, events out, no network; the profiles are the real ones, the speech engines the fakes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from talkline.auth.identity import Caller
from talkline.engines.base import Engines
from talkline.engines.pool import InferencePool
from talkline.metrics import RESPONSES
from talkline.pipeline import Pipeline
from talkline.profiles.registry import builtin_profiles
from talkline.realtime.handlers import router
from talkline.realtime.session import RealtimeServices, RealtimeSession
from talkline.settings import Settings
from talkline.store import create_store


class ScriptedTransport:
    """Hands the session the client's frames one by one and records every event it sends."""

    def __init__(self) -> None:
        self.inbox: asyncio.Queue[str | None] = asyncio.Queue()
        self.sent: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()

    async def receive(self) -> str | None:
        return await self.inbox.get()

    async def send(self, event: dict[str, Any]) -> None:
        self.sent.append(event)
        self._arrived.set()

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.inbox.put_nowait(None)

    def client(self, **event: Any) -> None:
        self.inbox.put_nowait(json.dumps(event))

    async def until(self, kind: str, count: int = 1, timeout: float = 30) -> list[dict[str, Any]]:
        async def wait() -> None:
            while sum(e["type"] == kind for e in self.sent) < count:
                self._arrived.clear()
                await self._arrived.wait()

        await asyncio.wait_for(wait(), timeout)
        return self.sent

    def types(self) -> list[str]:
        return [event["type"] for event in self.sent]


@pytest.fixture(scope="module")
async def services(tmp_path_factory: pytest.TempPathFactory, fake_engines: Engines, pool: InferencePool,
                   eco_models: None) -> AsyncIterator[tuple[RealtimeServices, Any]]:
    data = Path(tmp_path_factory.mktemp("session"))
    engines = fake_engines
    store = create_store(f"sqlite+aiosqlite:///{data / 'talkline.db'}")
    await store.start()
    settings = Settings(data_dir=data)
    yield RealtimeServices(settings, Pipeline(engines.stt, engines.tts), engines.vad, store), builtin_profiles(pool)
    await store.close()


async def open_session(services: tuple[RealtimeServices, Any], profile: str = "eco",
                       caller: Caller | None = None) -> tuple[ScriptedTransport, asyncio.Task[None]]:
    realtime, profiles = services
    transport = ScriptedTransport()
    session = RealtimeSession(transport, realtime, profiles.get(profile), caller or Caller("anonymous", "tester"),
                              beta=False, router=router)
    task = asyncio.create_task(session.run())
    await transport.until("session.created")
    return transport, task


async def test_a_text_turn_gives_the_full_event_sequence(services: Any) -> None:
    transport, task = await open_session(services)
    transport.client(type="session.update", session={"type": "realtime", "output_modalities": ["text"]})
    transport.client(type="conversation.item.create", item={"type": "message", "role": "user", "content": [
        {"type": "input_text", "text": "Where do I put a glass bottle?"}]})
    transport.client(type="response.create")
    await transport.until("response.done")
    transport.inbox.put_nowait(None)
    await task
    names = transport.types()
    sequence = ["session.created", "session.updated", "conversation.item.added", "conversation.item.done",
                "response.created", "response.output_item.added", "response.function_call_arguments.done",
                "response.output_item.done", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.done", "rate_limits.updated"]
    positions = [names.index(name) for name in sequence]
    assert positions == sorted(positions), names
    done = next(e for e in transport.sent if e["type"] == "response.done")["response"]
    assert done["status"] == "completed" and done["usage"]["total_tokens"] > 0
    assert set(done["timings"]) >= {"first_token", "done"}


async def test_hanging_up_cancels_the_reply_and_stores_what_was_said(services: Any) -> None:
    realtime, _ = services
    transport, task = await open_session(services, caller=Caller("server_key", "key_recorder"))
    session_id = transport.sent[0]["session"]["id"]
    transport.client(type="conversation.item.create", item={"type": "message", "role": "user", "content": [
        {"type": "input_text", "text": "Tell me how to throw away a broken television."}]})
    transport.client(type="response.create")
    await transport.until("response.output_audio.delta")
    cancelled = RESPONSES.labels(surface="realtime", status="cancelled")._value.get()
    transport.inbox.put_nowait(None)  # the client goes away mid-reply
    await asyncio.wait_for(task, 30)
    assert RESPONSES.labels(surface="realtime", status="cancelled")._value.get() == cancelled + 1
    assert "response.done" not in transport.types()  # nothing is sent to a client that has gone
    stored = await realtime.store.transcripts.get("key_recorder", session_id)
    assert [m.role for m in stored.messages][:1] == ["user"]
    assert stored.messages[0].text == "Tell me how to throw away a broken television."


async def test_errors_carry_the_event_id_and_the_session_goes_on(services: Any) -> None:
    transport, task = await open_session(services)
    transport.client(type="conversation.item.truncate", item_id="item_nope", content_index=0, audio_end_ms=5,
                     event_id="t-1")
    transport.inbox.put_nowait("{broken")
    transport.client(type="input_audio_buffer.clear")
    await transport.until("input_audio_buffer.cleared")
    transport.inbox.put_nowait(None)
    await task
    errors = [e["error"] for e in transport.sent if e["type"] == "error"]
    assert [(e["code"], e["event_id"]) for e in errors] == [("item_not_found", "t-1"), ("invalid_json", None)]
