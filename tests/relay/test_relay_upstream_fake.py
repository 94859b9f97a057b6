"""The relay against a scripted upstream (the fake OpenAI server over a real WebSocket): dialects translated both
ways, server tools answered by the gateway, locks, an unreachable or refusing upstream, and the upstream
session replaced before its cap with the conversation replayed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import Field, SecretStr

from talkline.agent.tools import ToolContext, ToolRegistry
from talkline.auth.identity import Caller
from talkline.profiles.base import Profile
from talkline.profiles.engines import RelayUpstream
from talkline.profiles.registry import builtin_profiles
from talkline.realtime.relay import RelayServices, RelaySession
from talkline.settings import Settings
from talkline.store import Store, create_store
from tests.fakes.openai_server import Close, FakeOpenAI, Receive, Send
from tests.relay.memory_client import Event, MemoryTransport, of_type, running, types
from tests.relay.scripts import (
    GaResponse,
    beta_session_events,
    beta_text_response,
    ga_item_created,
    ga_session_events,
    user_text_item,
)
from tests.server_process import free_port
from tests.speech import english_speech

KEY = "sk-relay-upstream-secret-7777"
INSTRUCTIONS = "You help people find out when their rubbish is collected."
TRANSCRIBER = {"model": "gpt-4o-mini-transcribe"}
SERVER_TOOL = "get_collection_day"
USER = Caller("server_key", "key_relay_tests")


def collection_tools(calls: list[dict[str, Any]]) -> ToolRegistry:
    tools = ToolRegistry()

    @tools.tool(description="The day rubbish is collected in a district")
    async def get_collection_day(district: Annotated[str, Field(description="a Seoul district")],
                                 context: ToolContext) -> dict[str, str]:
        calls.append({"district": district, "owner": context.owner})
        return {"district": district, "day": "Tuesday"}

    return tools


@pytest.fixture(scope="module")
def agent() -> Any:
    return builtin_profiles().get("eco").agent  # never used: the upstream answers


@pytest.fixture
def tool_calls() -> list[dict[str, Any]]:
    return []


@pytest.fixture
def profile(agent: Any, tool_calls: list[dict[str, Any]]) -> Profile:
    return Profile(name="collector", description="relayed", instructions=INSTRUCTIONS, agent=agent,
                   tools=collection_tools(tool_calls), voice="alloy")


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI.running() as server:
        yield server


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with create_store(f"sqlite+aiosqlite:///{tmp_path / 'talkline.db'}") as opened:
        yield opened


def upstream_at(url: str, **fields: Any) -> RelayUpstream:
    config = RelayUpstream.model_validate({"kind": "relay", "url": url, "model": "gpt-realtime", **fields})
    return config.model_copy(update={"api_key": SecretStr(KEY)})


def relayed(fake: FakeOpenAI, profile: Profile, *, beta: bool = False, caller: Caller = USER,
            store: Store | None = None, **fields: Any) -> tuple[RelaySession, MemoryTransport]:
    transport = MemoryTransport()
    upstream = upstream_at(fake.websocket_base_url + "/realtime", **fields)
    session = RelaySession(transport, RelayServices(Settings(), store), upstream, profile, caller, beta=beta)
    return session, transport


def first_update(check: Any = None) -> Any:
    """What the gateway asks of every new upstream session (GA): its instructions, server tools, transcripts."""
    def checked(event: Event) -> None:
        session = event["session"]
        assert session["type"] == "realtime" and session["instructions"] == INSTRUCTIONS
        assert [tool["name"] for tool in session["tools"]] == [SERVER_TOOL]
        assert session["audio"]["input"]["transcription"] == TRANSCRIBER
        if check is not None:
            check(session)
    return checked


# ── dialects ───────────────────────────────────────────────────────────────────────────────────


async def test_a_ga_client_speaks_to_a_beta_upstream_and_the_call_is_recorded(
        fake: FakeOpenAI, profile: Profile, store: Store) -> None:
    def beta_first_update(event: Event) -> None:
        session = event["session"]
        assert "type" not in session and "audio" not in session  # the flat beta shape
        assert session["instructions"] == INSTRUCTIONS and session["input_audio_transcription"] == TRANSCRIBER
        assert [tool["name"] for tool in session["tools"]] == [SERVER_TOOL]

    def beta_client_update(event: Event) -> None:
        assert event["session"] == {"modalities": ["text"], "voice": "marin"}

    def beta_item(event: Event) -> None:
        assert event["item"]["content"] == [{"type": "input_text", "text": "When is paper collected?"}]

    user = user_text_item("item_user1", "When is paper collected?")
    call = fake.expect_realtime([
        Send([beta_session_events("session.created")]),
        Receive("session.update", beta_first_update),
        Send([beta_session_events("session.updated", instructions=INSTRUCTIONS, input_audio_transcription=TRANSCRIBER,
                                  tools=[{"type": "function", "name": SERVER_TOOL, "parameters": {}}])]),
        Receive("session.update", beta_client_update),
        Send([beta_session_events("session.updated", modalities=["text"], voice="marin",
                                  input_audio_transcription=TRANSCRIBER)]),
        Receive("conversation.item.create", beta_item),
        Send([{"type": "conversation.item.created", "previous_item_id": None, "item": user}]),
        Receive("response.create"),
        Send(beta_text_response("resp_1", "item_reply1", ["Paper goes out ", "on Tuesday."], previous=user["id"])),
    ])
    session, client = relayed(fake, profile, dialect="beta", store=store)
    async with running(session, client):
        created = (await client.until_type("session.created"))[-1]["session"]
        client.client_send({"type": "session.update", "session": {
            "type": "realtime", "output_modalities": ["text"], "audio": {"output": {"voice": "marin"}}}})
        updated = (await client.until_type("session.updated"))[-1]["session"]
        client.client_send({"type": "conversation.item.create", "item": {
            "id": "item_user1", "type": "message", "role": "user",
            "content": [{"type": "input_text", "text": "When is paper collected?"}]}})
        client.client_send({"type": "response.create"})
        events = await client.until_type("response.done")

    assert call.request is not None and call.request.bearer == KEY
    assert call.request.headers["openai-beta"] == "realtime=v1" and call.request.query == {"model": "gpt-realtime"}
    # the client's view: the profile's session, without the gateway's tools or transcription
    assert created["model"] == "collector" and created["id"] == session.policy.config.id
    assert created["tools"] == [] and created["audio"]["input"]["transcription"] is None
    assert created["audio"]["input"]["format"] == {"type": "audio/pcm", "rate": 24000}
    assert updated["output_modalities"] == ["text"] and updated["audio"]["output"]["voice"] == "marin"
    assert "temperature" not in updated and updated["id"] == created["id"]
    # beta events in GA terms
    names = types(events)
    assert "response.text.delta" not in names and "conversation.item.created" not in names
    assert "".join(e["delta"] for e in of_type(events, "response.output_text.delta")) == "Paper goes out on Tuesday."
    assert [e["item"]["id"] for e in of_type(events, "conversation.item.added")] == ["item_user1", "item_reply1"]
    assert [e["item"]["id"] for e in of_type(events, "conversation.item.done")] == ["item_user1", "item_reply1"]
    reply_done = next(i for i, e in enumerate(events) if e["type"] == "conversation.item.done"
                      and e["item"]["id"] == "item_reply1")
    assert names.index("response.output_item.done") < reply_done < names.index("response.done")
    done = events[-1]["response"]
    assert done["output_modalities"] == ["text"] and "modalities" not in done and "temperature" not in done
    assert done["output"][0]["content"] == [{"type": "output_text", "text": "Paper goes out on Tuesday."}]

    recorded = await store.transcripts.get(USER.owner, session.policy.config.id)
    assert recorded.profile == "collector"
    assert [(m.role, m.text) for m in recorded.messages] == [("user", "When is paper collected?"),
                                                             ("assistant", "Paper goes out on Tuesday.")]


async def test_a_beta_client_speaks_to_a_ga_upstream(fake: FakeOpenAI, profile: Profile) -> None:
    chunk = json.dumps({"type": "input_audio_buffer.append", "audio": "AAAAAA=="})

    def ga_client_update(event: Event) -> None:
        assert event["session"] == {"type": "realtime", "audio": {
            "input": {"format": {"type": "audio/pcmu"}, "turn_detection": None},
            "output": {"voice": "verse"}}}

    def same_audio(event: Event) -> None:
        assert event == json.loads(chunk)

    reply = GaResponse("resp_1", modality="audio")
    pcm = english_speech("It is Tuesday.").data[:19200]
    fake.expect_realtime([
        Send([ga_session_events("session.created")]),
        Receive("session.update", first_update()),
        Send([ga_session_events("session.updated", instructions=INSTRUCTIONS)]),
        Receive("session.update", ga_client_update),
        Send([{"type": "session.updated", "session": {**ga_session_events("session.updated")["session"], "audio": {
            "input": {"format": {"type": "audio/pcmu"}, "transcription": TRANSCRIBER, "turn_detection": None},
            "output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "verse", "speed": 1.0}}}}]),
        Receive("input_audio_buffer.append", same_audio),
        Receive("input_audio_buffer.commit"),
        Send([{"type": "input_audio_buffer.committed", "item_id": "item_u", "previous_item_id": None},
              *ga_item_created({"id": "item_u", "type": "message", "role": "user", "status": "completed",
                                "content": [{"type": "input_audio", "transcript": None}]}),
              {"type": "conversation.item.input_audio_transcription.completed", "item_id": "item_u",
               "content_index": 0, "transcript": "Which day?"}]),
        Receive("response.create"),
        Send([*reply.created(), *reply.message("item_a", ["It is ", "Tuesday."], audio=pcm, previous="item_u"),
              *reply.done()]),
    ])
    session, client = relayed(fake, profile, beta=True)
    async with running(session, client):
        created = (await client.until_type("session.created"))[-1]["session"]
        client.client_send({"type": "session.update", "session": {
            "voice": "verse", "input_audio_format": "g711_ulaw", "turn_detection": None}})
        updated = (await client.until_type("session.updated"))[-1]["session"]
        client.client_send(json.loads(chunk))
        client.client_send({"type": "input_audio_buffer.commit"})
        await client.until_type("conversation.item.created")
        client.client_send({"type": "response.create"})
        events = await client.until_type("response.done")

    assert created["model"] == "collector" and created["voice"] == "alloy" and created["tools"] == []
    assert "audio" not in created and created["input_audio_transcription"] is None
    assert updated["voice"] == "verse" and updated["input_audio_format"] == "g711_ulaw"
    assert updated["turn_detection"] is None and updated["input_audio_transcription"] is None
    names = types(client.received)
    assert "conversation.item.added" not in names and "conversation.item.done" not in names
    assert "conversation.item.input_audio_transcription.completed" not in names  # the gateway's, not asked for
    assert "response.output_audio.delta" not in names and "response.audio.delta" in names
    assert "".join(e["delta"] for e in of_type(events, "response.audio_transcript.delta")) == "It is Tuesday."
    assert events[-1]["response"]["modalities"] == ["text", "audio"]
    assert events[-1]["response"]["output"][0]["content"][0]["type"] == "audio"
    user_item = session.mirror.conversation.get("item_u")
    assert user_item.content[0].transcript == "Which day?"  # type: ignore[union-attr]


# ── the gateway's own rules ────────────────────────────────────────────────────────────────────


async def test_the_gateway_answers_the_upstreams_server_tool_calls(
        fake: FakeOpenAI, profile: Profile, tool_calls: list[dict[str, Any]]) -> None:
    arguments = json.dumps({"district": "Mapo"})

    def tool_output(event: Event) -> None:
        item = event["item"]
        assert item["type"] == "function_call_output" and item["call_id"] == "call_1"
        assert json.loads(item["output"]) == {"district": "Mapo", "day": "Tuesday"}

    calling, answering = GaResponse("resp_1"), GaResponse("resp_2")
    output_item = {"id": "item_out", "type": "function_call_output", "call_id": "call_1",
                   "output": json.dumps({"district": "Mapo", "day": "Tuesday"})}
    fake.expect_realtime([
        Send([ga_session_events("session.created")]),
        Receive("session.update", first_update()),
        Send([ga_session_events("session.updated", instructions=INSTRUCTIONS)]),
        Receive("conversation.item.create"),
        Send(ga_item_created(user_text_item("item_u", "When is rubbish collected in Mapo?"))),
        Receive("response.create"),
        Send([*calling.created(), *calling.function_call("item_call", "call_1", SERVER_TOOL, arguments,
                                                         previous="item_u"), *calling.done()]),
        Receive("conversation.item.create", tool_output),
        Receive("response.create"),
        Send([*ga_item_created(output_item, previous="item_call"), *answering.created(),
              *answering.message("item_a", ["Mapo: Tuesday."], previous="item_out"), *answering.done()]),
    ])
    session, client = relayed(fake, profile)
    async with running(session, client):
        await client.until_type("session.created")
        client.client_send({"type": "session.update", "event_id": "evt_shadow", "session": {
            "type": "realtime", "tools": [{"type": "function", "name": SERVER_TOOL, "parameters": {}}]}})
        refused = (await client.until_type("error"))[-1]["error"]
        client.client_send({"type": "conversation.item.create", "item": {
            "type": "message", "role": "user", "content": [{"type": "input_text",
                                                             "text": "When is rubbish collected in Mapo?"}]}})
        client.client_send({"type": "response.create"})
        first = await client.until_type("response.done")
        second = await client.until_type("response.done")

    assert refused["code"] == "invalid_value" and refused["param"] == "session.tools[0].name"
    assert refused["event_id"] == "evt_shadow"
    assert tool_calls == [{"district": "Mapo", "owner": USER.owner}]  # run once, for this caller
    assert of_type(first, "response.function_call_arguments.done")[0]["name"] == SERVER_TOOL
    assert first[-1]["response"]["output"][0]["type"] == "function_call"
    outputs = [e["item"] for e in of_type(second, "conversation.item.done") if e["item"]["type"] ==
               "function_call_output"]
    assert outputs and outputs[0]["call_id"] == "call_1"
    assert "".join(e["delta"] for e in of_type(second, "response.output_text.delta")) == "Mapo: Tuesday."


async def test_a_client_secret_keeps_its_instructions_in_a_relayed_session(fake: FakeOpenAI, profile: Profile) -> None:
    bound = Caller("client_secret", "key_relay_tests/ek_1", bound_session={
        "type": "realtime", "model": "collector", "instructions": "Only talk about paper."})

    def bound_instructions(event: Event) -> None:
        assert event["session"]["instructions"] == "Only talk about paper."
        assert [tool["name"] for tool in event["session"]["tools"]] == [SERVER_TOOL]

    fake.expect_realtime([
        Send([ga_session_events("session.created")]),
        Receive("session.update", bound_instructions),
        Send([ga_session_events("session.updated", instructions="Only talk about paper.")]),
    ])
    session, client = relayed(fake, profile, caller=bound)
    async with running(session, client):
        created = (await client.until_type("session.created"))[-1]["session"]
        client.client_send({"type": "session.update", "event_id": "evt_pirate",
                            "session": {"type": "realtime", "instructions": "Talk like a pirate."}})
        error = (await client.until_type("error"))[-1]["error"]
        client.client_send({"type": "response.create", "response": {"instructions": "Talk like a pirate."}})
        second = (await client.until_type("error"))[-1]["error"]
    assert created["instructions"] == "Only talk about paper."
    assert (error["code"], error["param"], error["event_id"]) == ("session_field_locked", "session.instructions",
                                                                  "evt_pirate")
    assert (second["code"], second["param"]) == ("session_field_locked", "response.instructions")


# ── an upstream that cannot serve ──────────────────────────────────────────────────────────────


async def test_an_unreachable_upstream_is_refused_with_a_typed_error(profile: Profile) -> None:
    transport = MemoryTransport()
    upstream = upstream_at(f"ws://127.0.0.1:{free_port()}/v1/realtime", connect_timeout_s=5)
    session = RelaySession(transport, RelayServices(Settings()), upstream, profile, USER, beta=False)
    await asyncio.wait_for(session.run(), 20)
    error = (await transport.next_event())["error"]
    assert (error["type"], error["code"]) == ("server_error", "upstream_unavailable")
    assert "cannot reach the upstream at 127.0.0.1" in error["message"]
    assert transport.closed == (1013, "upstream_unavailable")


async def test_an_upstream_refusing_the_gateways_key_is_refused_without_the_key(
        fake: FakeOpenAI, profile: Profile) -> None:
    fake.expect_realtime([Send([{"type": "error", "error": {
        "type": "invalid_request_error", "code": "invalid_api_key",
        "message": f"Incorrect API key provided: {KEY}."}}]), Close(1008)])
    session, client = relayed(fake, profile, beta=True)
    await asyncio.wait_for(session.run(), 20)
    error = (await client.next_event())["error"]
    assert error["code"] == "upstream_unavailable" and "refused the gateway's credentials" in error["message"]
    assert KEY not in json.dumps(client.received) and client.closed == (1013, "upstream_unavailable")


async def test_an_upstream_lost_mid_call_ends_the_call_with_a_typed_error(fake: FakeOpenAI, profile: Profile) -> None:
    fake.expect_realtime([
        Send([ga_session_events("session.created")]),
        Receive("session.update", first_update()),
        Send([ga_session_events("session.updated", instructions=INSTRUCTIONS)]),
        Receive("response.create"),
        Close(1011, "boom"),
    ])
    session, client = relayed(fake, profile)
    async with running(session, client):
        await client.until_type("session.created")
        client.client_send({"type": "response.create"})
        error = (await client.until_type("error"))[-1]["error"]
    assert error["code"] == "upstream_disconnected" and client.closed == (1011, "upstream_disconnected")


# ── the upstream's time cap ────────────────────────────────────────────────────────────────────


async def test_the_upstream_session_is_replaced_before_its_cap_and_the_client_sees_nothing(
        fake: FakeOpenAI, profile: Profile) -> None:
    question, answer = "How do I put out a pizza box?", "Flatten it and put it with paper."
    pcm = english_speech(answer).data[:48000]

    def client_settings(session: Event) -> None:
        assert session["output_modalities"] == ["audio"] and session["audio"]["output"]["voice"] == "coral"

    replaying = asyncio.Event()  # set while the relay holds the client's events back for the replay

    def replayed(item_id: str, role: str, part: str, text: str) -> Any:
        def check(event: Event) -> None:
            assert event["item"] == {"type": "message", "id": item_id, "role": role,
                                     "content": [{"type": part, "text": text}]}
            replaying.set()
        return check

    first, later = GaResponse("resp_1", modality="audio"), GaResponse("resp_2")
    fake.expect_realtime([
        Send([ga_session_events("session.created")]),
        Receive("session.update", first_update()),
        Send([ga_session_events("session.updated", instructions=INSTRUCTIONS)]),
        Receive("session.update"),
        Send([ga_session_events("session.updated", instructions=INSTRUCTIONS, audio={
            "input": {"format": {"type": "audio/pcm", "rate": 24000}, "transcription": TRANSCRIBER},
            "output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "coral"}})]),
        Receive("conversation.item.create"),
        Send(ga_item_created(user_text_item("item_q", question))),
        Receive("response.create"),
        Send([*first.created(), *first.message("item_a", [answer], audio=pcm, previous="item_q"), *first.done()]),
    ])
    renewed = fake.expect_realtime([
        Send([ga_session_events("session.created")]),
        Receive("session.update", first_update(client_settings)),
        Send([ga_session_events("session.updated", instructions=INSTRUCTIONS)]),
        Receive("conversation.item.create", replayed("item_q", "user", "input_text", question)),
        Receive("conversation.item.create", replayed("item_a", "assistant", "output_text", answer)),
        Send([*ga_item_created(user_text_item("item_q", question)),
              *ga_item_created({"id": "item_a", "type": "message", "role": "assistant", "status": "completed",
                                "content": [{"type": "output_text", "text": answer}]}, previous="item_q")]),
        Receive("response.create"),
        Send([*later.created(), *later.message("item_b", ["Anything else?"], previous="item_a"), *later.done()]),
    ])
    session, client = relayed(fake, profile, session_max_seconds=6, reconnect_margin_seconds=4.5)
    async with running(session, client):
        await client.until_type("session.created")
        client.client_send({"type": "session.update", "session": {
            "type": "realtime", "output_modalities": ["audio"], "audio": {"output": {"voice": "coral"}}}})
        await client.until_type("session.updated")
        client.client_send({"type": "conversation.item.create", "item": {
            "id": "item_q", "type": "message", "role": "user", "content": [{"type": "input_text", "text": question}]}})
        client.client_send({"type": "response.create"})
        before = await client.until_type("response.done")
        await asyncio.wait_for(replaying.wait(), 15)
        client.client_send({"type": "response.create"})  # waits for the swap, then goes to the new session
        after = await client.until_type("response.done", timeout_s=15)

    assert len(of_type(before, "response.output_audio.delta")) == 5
    assert [e["type"] for e in renewed.client_events] == ["session.update", *["conversation.item.create"] * 2,
                                                          "response.create"]
    # nothing of the swap reached the client: no second session, no replayed items
    assert types(after)[0] == "rate_limits.updated" and types(after)[1] == "response.created"
    assert types(client.received).count("session.created") == 1
    assert types(client.received).count("session.updated") == 1  # the answer to the client's own update
    assert [e["item"]["id"] for e in of_type(after, "conversation.item.added")] == ["item_b"]
    assert "".join(e["delta"] for e in of_type(after, "response.output_text.delta")) == "Anything else?"
