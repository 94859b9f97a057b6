"""Speculative replies over the Realtime WebSocket (fake engines, the real app): a reply prepared at the
user's pause is the reply when the turn ends there, and leaves no trace when it does not; nothing with a
side effect runs ahead, and client tools are never called ahead."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from openai import AsyncOpenAI

from talkline.agent.base import AgentEvent, AgentRequest, TextDelta, ToolCallRequest
from talkline.agent.history import last_user_text, pending_tool_outputs
from talkline.audio import Pcm
from talkline.engines.base import Engines
from talkline.engines.fake import fake_speech
from talkline.metrics import SPECULATIVE_REPLIES
from talkline.profiles.base import Profile
from tests.fakes.waste_tools import waste_tools
from tests.realtime_client import collect, of_type, stream_audio, types
from tests.servers import LiveServer, live_server

SILENCE_MS = 1200  # that ends the turn: time for the speculation on a busy machine (the pause in `said` is shorter)
ran: list[str] = []
tools = waste_tools(ran)
LOCATION = {"type": "function", "name": "get_location", "description": "Where the phone is",
            "parameters": {"type": "object", "properties": {}}}


class Scripted:
    """`lookup` in the user's words calls the read-only look-up first, `book` then books (a side effect),
    `locate` calls the client's tool; `cancel` calls nothing. Then it answers with what it heard."""

    name = "scripted"

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        heard = last_user_text(list(request.history))
        words = set(heard.split())
        done = {call.name for call, _ in pending_tool_outputs(list(request.history))}
        if "cancel" not in words:
            for word, tool in (("lookup", "look_up"), ("book", "book_pickup"), ("locate", "get_location")):
                if word in words and tool not in done:
                    yield ToolCallRequest(f"call_{tool}_{len(request.history)}", tool, json.dumps({"item": "sofa"})
                                          if tool != "get_location" else "{}")
                    return
        yield TextDelta(f"You said {heard}. ")
        yield TextDelta("That is all.")


@pytest.fixture(scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory, fake_engines: Engines) -> AsyncIterator[LiveServer]:
    async with live_server(tmp_path_factory.mktemp("speculation"), fake_engines) as running:
        running.runtime.profiles.add(Profile(name="speculating", description="", instructions="Help.",
                                             agent=Scripted(), tools=tools))
        yield running


def said(*parts: str, pause_ms: float = 300) -> Pcm:
    """The user's words, with a pause between the parts (longer than the early-transcription point,
    shorter than the silence that ends the turn)."""
    audio = fake_speech(parts[0])
    for part in parts[1:]:
        audio = audio + Pcm.silence(pause_ms, audio.rate) + fake_speech(part)
    return audio


async def call(server: LiveServer, audio: Pcm, *, speculate: str = "on", tools: list[dict[str, Any]] | None = None,
               checkpoint_after_ms: float | None = None) -> tuple[list[Any], list[str]]:
    """One spoken turn; returns every event up to `response.done`, and which server tools had run
    `checkpoint_after_ms` into the silence after the speech (before the turn ends)."""
    client = AsyncOpenAI(base_url=server.http_url + "/v1", api_key="x", websocket_base_url=server.ws_url + "/v1")
    ran.clear()
    async with client.realtime.connect(model="speculating", extra_query={"speculate": speculate}) as conn:
        await conn.session.update(session={"type": "realtime", "tools": tools or [], "audio": {"input": {
            "transcription": {"model": "whisper-1"},
            "turn_detection": {"type": "server_vad", "silence_duration_ms": SILENCE_MS}}}})
        done = asyncio.create_task(collect(conn, lambda e: e.type == "response.done", timeout=20))
        await stream_audio(conn, audio)
        checkpoint = list(ran)
        if checkpoint_after_ms is not None:
            await stream_audio(conn, Pcm.silence(checkpoint_after_ms, audio.rate))
            checkpoint = list(ran)
        await stream_audio(conn, Pcm.silence(SILENCE_MS + 500, audio.rate))
        events = await done
    return events, checkpoint


def outcome(name: str) -> float:
    return SPECULATIVE_REPLIES.labels(outcome=name)._value.get()


def reply_transcript(events: list[Any]) -> str:
    return "".join(e.delta for e in of_type(events, "response.output_audio_transcript.delta"))


async def test_a_reply_prepared_at_the_pause_is_released_with_the_same_events(server: LiveServer) -> None:
    audio = said("where does a bottle go")
    used = outcome("used")
    plain, _ = await call(server, audio, speculate="off")
    assert outcome("used") == used
    speculated, _ = await call(server, audio)
    assert outcome("used") == used + 1
    assert types(speculated) == types(plain)  # nothing extra, nothing missing, same order
    assert reply_transcript(speculated) == reply_transcript(plain) == "You said where does a bottle go. That is all."
    timings = speculated[-1].response.timings
    # prepared ahead: the first words and audio were ready when the reply was released
    assert timings["stt_done"] == timings["first_token"] == timings["first_audio"]


async def test_when_the_user_goes_on_the_speculation_leaves_no_trace(server: LiveServer) -> None:
    resumed = outcome("resumed")
    events, _ = await call(server, said("lookup where does a", "bottle go cancel"))
    assert outcome("resumed") == resumed + 1
    assert types(events).count("response.created") == 1
    assert not of_type(events, "response.function_call_arguments.done")  # the look-up ran ahead, unseen
    assert reply_transcript(events) == "You said lookup where does a bottle go cancel. That is all."
    assert [e.transcript for e in of_type(events, "conversation.item.input_audio_transcription.completed")] == [
        "lookup where does a bottle go cancel"]


async def test_speculation_stops_at_a_tool_that_is_not_read_only(server: LiveServer) -> None:
    events, before_commit = await call(server, said("lookup and book the sofa"), checkpoint_after_ms=800)
    assert before_commit == ["look_up"]  # read-only: run ahead; the booking waits for the commit
    assert ran == ["look_up", "book_pickup"]  # each once: the look-up ahead was the reply's
    names = [e.name for e in of_type(events, "response.function_call_arguments.done")]
    assert names == ["look_up", "book_pickup"]

    _, before_commit = await call(server, said("lookup and book", "cancel"), checkpoint_after_ms=0)
    assert "book_pickup" not in ran  # the user went on: the booking never happened


async def test_a_client_tool_is_never_called_ahead(server: LiveServer) -> None:
    events, _ = await call(server, said("locate", "cancel"), tools=[LOCATION])
    assert not of_type(events, "response.function_call_arguments.done")  # dropped: never shown to the client

    events, _ = await call(server, said("locate my phone"), tools=[LOCATION])
    calls = of_type(events, "response.function_call_arguments.done")
    assert [c.name for c in calls] == ["get_location"]
    names = types(events)
    assert names.index("input_audio_buffer.committed") < names.index("response.function_call_arguments.done")
