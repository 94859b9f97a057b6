"""The LLM agent against the scripted fake OpenAI server, driven by the real response pipeline."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Annotated, Any

import pytest
from pydantic import Field, SecretStr

from talkline.agent.base import AgentRequest
from talkline.agent.history import HistoryItem, Message, ToolCall, ToolOutput
from talkline.agent.llm import SILENT_USER, LLMAgent, LLMUsage, chat_messages, message_tokens
from talkline.agent.tools import ToolRegistry, ToolSpec
from talkline.engines.base import EngineError
from talkline.engines.remote import OpenAIEndpoint
from talkline.pipeline.events import PipelineEvent, ResponseEnd, TextOut, ToolCallOut, ToolResultOut
from tests.fakes.chat_chunks import ScriptedCall, text_chunks, tool_call_chunks, usage_chunk
from tests.fakes.openai_server import EventStream, FakeOpenAI, Received, Stall, error_reply
from tests.turns import reply_events, request_turn

KEY = "sk-llm-agent-test-0123456789"
PRICES = {"can": 1000, "paper": 80}

prices = ToolRegistry()


@prices.tool(description="The recycling price of a material, in won per kg")
async def price_of(item: Annotated[str, Field(description="the material")]) -> dict[str, Any]:
    return {"item": item, "won_per_kg": PRICES[item]}


GET_LOCATION = ToolSpec("get_location", "The user's current location, from their phone",
                        {"type": "object", "properties": {}, "required": []})


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI.running() as server:
        yield server


def agent_for(fake: FakeOpenAI, *, max_retries: int = 0, timeout_s: float = 10.0, **options: Any) -> LLMAgent:
    endpoint = OpenAIEndpoint(base_url=fake.base_url, api_key=SecretStr(KEY), timeout_s=timeout_s,
                              max_retries=max_retries)
    return LLMAgent(endpoint, "gpt-4o-mini", **options)


def ask(text: str, **fields: Any) -> AgentRequest:
    return AgentRequest(history=(Message("user", text),), instructions="You are a helpful assistant.", **fields)


async def respond(agent: LLMAgent, request: AgentRequest, tools: ToolRegistry | None = None
                  ) -> tuple[list[PipelineEvent], ResponseEnd]:
    events = [event async for event in reply_events(request_turn(agent, request, tools))]
    end = events.pop()
    assert isinstance(end, ResponseEnd)
    return events, end


def ends_with(*expected: dict[str, Any]) -> Callable[[Received], None]:
    """A check that a request ends with these messages: the fake answers only after seeing them."""
    def check(request: Received) -> None:
        assert request.json()["messages"][-len(expected):] == list(expected)
    return check


async def test_text_streams_through_the_pipeline_as_it_arrives(fake: FakeOpenAI) -> None:
    gate = fake.gate()
    chunks = text_chunks("Hello", " there", "!")
    call = fake.expect_chat(EventStream([*chunks[:2], gate, *chunks[2:], usage_chunk(21, 3)]))
    usages: list[LLMUsage] = []
    events = aiter(reply_events(request_turn(agent_for(fake, on_usage=usages.append), ask("hi"))))
    assert await anext(events) == TextOut("Hello")  # while the rest of the answer is still held back
    gate.set()
    rest = [event async for event in events]
    assert rest[:-1] == [TextOut(" there"), TextOut("!")]
    end = rest[-1]
    assert isinstance(end, ResponseEnd) and end.text == "Hello there!" and end.stop_reason == "completed"
    assert usages == [LLMUsage("gpt-4o-mini", 21, 3)]
    assert call.request is not None and call.request.bearer == KEY
    body = call.request.json()
    assert body == {"model": "gpt-4o-mini", "stream": True, "stream_options": {"include_usage": True},
                    "messages": [{"role": "system", "content": "You are a helpful assistant."},
                                 {"role": "user", "content": "hi"}]}


async def test_a_server_tool_runs_and_the_model_answers_from_its_output(fake: FakeOpenAI) -> None:
    fake.expect_chat(EventStream(tool_call_chunks(ScriptedCall("call_1", "price_of", ['{"item":', ' "can"}']))))
    fake.expect_chat(EventStream(text_chunks("Cans fetch 1000 won per kg.")), check=ends_with(
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "price_of", "arguments": '{"item": "can"}'}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": '{"item": "can", "won_per_kg": 1000}'}))
    events, end = await respond(agent_for(fake), ask("What do cans fetch?", tools=prices.specs()), prices)
    call, result = events[0], events[1]
    assert isinstance(call, ToolCallOut) and (call.name, call.server) == ("price_of", True)
    assert isinstance(result, ToolResultOut) and result.result.ok and result.result.value["won_per_kg"] == 1000
    assert end.text == "Cans fetch 1000 won per kg." and end.stop_reason == "completed"


async def test_a_client_tool_call_ends_the_response_for_the_client_to_run(fake: FakeOpenAI) -> None:
    call = fake.expect_chat(EventStream(tool_call_chunks(ScriptedCall("call_loc", "get_location", [""]))))
    request = ask("Where is the nearest battery bin?", tools=[*prices.specs(), GET_LOCATION])
    events, end = await respond(agent_for(fake), request, prices)
    assert events == [ToolCallOut("call_loc", "get_location", "{}", server=False)]
    assert end.stop_reason == "tool_calls"
    assert call.request is not None
    assert [tool["function"]["name"] for tool in call.request.json()["tools"]] == ["price_of", "get_location"]
    assert call.request.json()["tool_choice"] == "auto"


async def test_parallel_calls_run_together_and_go_back_in_one_assistant_message(fake: FakeOpenAI) -> None:
    calls = [ScriptedCall("call_a", "price_of", ['{"item": ', '"can"}']),
             ScriptedCall("call_b", "price_of", ['{"item"', ': "paper"}'])]
    fake.expect_chat(EventStream(tool_call_chunks(*calls, interleave=True)))
    fake.expect_chat(EventStream(text_chunks("Cans 1000, paper 80.")), check=ends_with(
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_a", "type": "function", "function": {"name": "price_of", "arguments": '{"item": "can"}'}},
            {"id": "call_b", "type": "function", "function": {"name": "price_of", "arguments": '{"item": "paper"}'}}]},
        {"role": "tool", "tool_call_id": "call_a", "content": '{"item": "can", "won_per_kg": 1000}'},
        {"role": "tool", "tool_call_id": "call_b", "content": '{"item": "paper", "won_per_kg": 80}'}))
    events, end = await respond(agent_for(fake), ask("Prices of cans and paper?", tools=prices.specs()), prices)
    assert [(e.call_id, json.loads(e.arguments)) for e in events if isinstance(e, ToolCallOut)] == [
        ("call_a", {"item": "can"}), ("call_b", {"item": "paper"})]
    assert sorted(e.result.value["won_per_kg"] for e in events if isinstance(e, ToolResultOut)) == [80, 1000]
    assert end.text == "Cans 1000, paper 80."


def _long_history() -> list[HistoryItem]:
    history: list[HistoryItem] = []
    for n in range(6):
        history += [Message("user", f"Old question {n}: " + "말 " * 40), Message("assistant", f"Old answer {n}.")]
    history += [Message("user", "What do cans fetch?"),
                ToolCall("call_big", "price_of", json.dumps({"item": "can", "note": "x" * 300})),
                ToolOutput("call_big", '{"won_per_kg": 1000}'),
                Message("assistant", "About 1000 won per kg."),
                Message("user", "And paper?")]
    return history


@pytest.mark.parametrize("room", ["no_room_for_the_tool_call", "room_for_the_tool_call"])
async def test_history_is_trimmed_to_the_budget_from_the_oldest_end(fake: FakeOpenAI, room: str) -> None:
    system = {"role": "system", "content": "You are a helpful assistant."}
    full = chat_messages(_long_history())
    assert [m["role"] for m in full[-5:]] == ["user", "assistant", "tool", "assistant", "user"]
    newest = full[-2:]
    pair = full[-4:-2]  # the assistant message with the big tool call, and its small output
    budget = sum(map(message_tokens, [system, *newest, pair[1]]))  # enough for the output, not for its call
    if room == "room_for_the_tool_call":
        budget += message_tokens(pair[0]) + message_tokens(full[-5]) - 1  # the call, not the question before it
    call = fake.expect_chat(EventStream(text_chunks("About 80.")))
    await respond(agent_for(fake, history_token_budget=budget),
                  AgentRequest(history=tuple(_long_history()), instructions=system["content"]))
    assert call.request is not None
    sent = call.request.json()["messages"]
    assert sent == ([system, *newest] if room == "no_room_for_the_tool_call" else [system, *pair, *newest])


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_rate_limits_and_server_errors_are_retried_then_answered(fake: FakeOpenAI, status: int) -> None:
    fake.expect_chat(error_reply(status, "try again", headers={"retry-after-ms": "20"}))
    fake.expect_chat(EventStream(text_chunks("Back again.")))
    events, end = await respond(agent_for(fake, max_retries=2), ask("hi"))
    assert end.text == "Back again."
    assert [r.headers["x-stainless-retry-count"] for r in fake.received] == ["0", "1"]


async def test_retries_give_up_with_a_typed_error(fake: FakeOpenAI) -> None:
    for _ in range(2):
        fake.expect_chat(error_reply(429, "Rate limit reached", code="rate_limit_exceeded",
                                     headers={"retry-after-ms": "10"}))
    with pytest.raises(EngineError) as raised:
        await respond(agent_for(fake, max_retries=1), ask("hi"))
    assert raised.value.code == "llm_error"
    assert "HTTP 429" in str(raised.value) and "Rate limit reached" in str(raised.value)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_an_unreachable_endpoint_is_a_clear_error() -> None:
    port = _closed_port()
    endpoint = OpenAIEndpoint(base_url=f"http://127.0.0.1:{port}/v1", api_key=SecretStr(KEY), max_retries=0)
    with pytest.raises(EngineError) as raised:
        await respond(LLMAgent(endpoint, "gpt-4o-mini"), ask("hi"))
    assert raised.value.code == "llm_unreachable"
    assert f"cannot reach the LLM endpoint at 127.0.0.1:{port}" in str(raised.value)


async def test_no_answer_in_time_is_a_timeout(fake: FakeOpenAI) -> None:
    fake.expect_chat(Stall(fake.gate()))
    with pytest.raises(EngineError) as raised:
        await respond(agent_for(fake, timeout_s=0.3), ask("hi"))
    assert raised.value.code == "llm_timeout" and "did not answer within 0.3 s" in str(raised.value)


async def test_a_stream_that_stops_midway_is_a_timeout(fake: FakeOpenAI) -> None:
    chunks = text_chunks("Hello", " again")
    fake.expect_chat(EventStream([*chunks[:2], fake.gate(), *chunks[2:]]))
    stream = reply_events(request_turn(agent_for(fake, timeout_s=1.0), ask("hi")))
    received: list[PipelineEvent] = []
    with pytest.raises(EngineError) as raised:
        async for event in stream:
            received.append(event)
    assert received == [TextOut("Hello")] and raised.value.code == "llm_timeout"


async def test_cancelling_the_response_closes_the_http_stream_at_once(fake: FakeOpenAI) -> None:
    never = fake.gate()
    chunks = text_chunks("Let me think", " about that.")
    call = fake.expect_chat(EventStream([*chunks[:2], never, *chunks[2:]]))
    turn = request_turn(agent_for(fake), ask("hi"))
    assert await anext(aiter(reply_events(turn))) == TextOut("Let me think")
    await turn.aclose()  # what a barge-in does
    await asyncio.wait_for(call.disconnected.wait(), 10)  # the stream would otherwise never end
    assert not call.finished.is_set() and not never.is_set()


async def test_an_error_answer_is_typed_and_never_shows_the_key(fake: FakeOpenAI) -> None:
    fake.expect_chat(error_reply(401, f"Incorrect API key provided: {KEY}.", code="invalid_api_key",
                                 kind="authentication_error"))
    with pytest.raises(EngineError) as raised:
        await respond(agent_for(fake), ask("hi"))
    assert raised.value.code == "llm_error" and "HTTP 401" in str(raised.value)
    assert KEY not in str(raised.value) and "Incorrect API key provided: ***" in str(raised.value)


async def test_the_key_never_reaches_the_logs(fake: FakeOpenAI, caplog: pytest.LogCaptureFixture) -> None:
    fake.expect_chat(error_reply(503, "overloaded", headers={"retry-after-ms": "10"}))
    fake.expect_chat(EventStream([*text_chunks("fine"), usage_chunk(5, 1)]))
    with caplog.at_level(logging.DEBUG):
        await respond(agent_for(fake, max_retries=1), ask("hi"))
    assert "used 5 input and 1 output tokens" in caplog.text  # the debug logs were captured
    assert KEY not in caplog.text


@pytest.mark.parametrize(("choice", "sent"), [
    ("required", "required"), ("none", "none"),
    ("get_location", {"type": "function", "function": {"name": "get_location"}})])
async def test_tool_choice_maps_to_the_chat_shape(fake: FakeOpenAI, choice: str, sent: Any) -> None:
    call = fake.expect_chat(EventStream(text_chunks("ok")))
    await respond(agent_for(fake), ask("hi", tools=[GET_LOCATION], tool_choice=choice, max_output_tokens=50))
    assert call.request is not None
    body = call.request.json()
    assert body["tool_choice"] == sent and body["max_completion_tokens"] == 50


async def test_a_tool_choice_naming_no_tool_is_refused_before_any_request(fake: FakeOpenAI) -> None:
    with pytest.raises(EngineError) as raised:
        await respond(agent_for(fake), ask("hi", tools=[GET_LOCATION], tool_choice="get_weather"))
    assert raised.value.code == "invalid_tool_choice" and fake.received == []


async def test_the_profile_renders_the_system_prompt_from_its_options(fake: FakeOpenAI) -> None:
    def render(request: AgentRequest) -> str:
        return f"{request.instructions}\nScenario: {request.options['scenario']}."

    call = fake.expect_chat(EventStream(text_chunks("어서 오세요!")))
    agent = agent_for(fake, render_instructions=render, temperature=0.4, extra_body={"top_k": 20})
    _, end = await respond(agent, ask("안녕하세요", options={"scenario": "mart"}))
    assert end.text == "어서 오세요!" and call.request is not None
    body = call.request.json()
    assert body["messages"][0] == {"role": "system", "content": "You are a helpful assistant.\nScenario: mart."}
    assert (body["temperature"], body["top_k"]) == (0.4, 20)


def _roles(messages: Sequence[dict[str, Any]]) -> list[str]:
    return [m["role"] + ("+calls" if m.get("tool_calls") else "") for m in messages]


def test_history_keeps_calls_with_their_outputs_and_drops_orphans() -> None:
    history = [Message("user", "hi"), Message("assistant", "Let me look."),
               ToolCall("c1", "price_of", '{"item": "can"}'), ToolOutput("c1", "1000"),
               ToolCall("c2", "get_location", ""),  # the client never answered this one
               ToolOutput("c9", "lost"),  # an output whose call is gone
               Message("user", "and paper?"), ToolCall("c3", "price_of", ""), ToolOutput("c3", "80")]
    messages = chat_messages(history)
    assert _roles(messages) == ["user", "assistant+calls", "tool", "user", "assistant+calls", "tool"]
    assert messages[1]["content"] == "Let me look." and [c["id"] for c in messages[1]["tool_calls"]] == ["c1"]
    assert messages[4]["tool_calls"][0]["function"]["arguments"] == "{}"


def test_a_silent_user_turn_is_put_into_words() -> None:
    messages = chat_messages([Message("assistant", "Hello?"), Message("user", " ")])
    assert messages[-1] == {"role": "user", "content": SILENT_USER}


def test_calls_of_successive_steps_get_their_own_assistant_messages() -> None:
    history = [Message("user", "hi"), ToolCall("c1", "price_of", "{}"), ToolOutput("c1", "1"),
               ToolCall("c2", "price_of", "{}"), ToolOutput("c2", "2")]
    assert _roles(chat_messages(history)) == ["user", "assistant+calls", "tool", "assistant+calls", "tool"]
