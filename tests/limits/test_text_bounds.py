"""Defect 2: text is bounded per message, per conversation and for instructions on every surface (REST
chat completions, /v1/chat jobs, Realtime items, session and response instructions), each with its
surface's typed error; the Turn gives the agent at most the bound, stops a turn past its time budget,
and a whole REST response's turn is cancelled when its client leaves."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.requests import Request

from talkline.agent.base import AgentEvent, AgentRequest, TextDelta
from talkline.agent.history import Message, ToolCall, ToolOutput
from talkline.engines.fake import fake_engines
from talkline.limits import TextLimits
from talkline.pipeline import Pipeline, TextInput, TurnOptions
from talkline.pipeline.turn import TurnTimeout
from talkline.profiles.base import Profile
from talkline.rest.disconnect import ClientLeft, unless_client_leaves
from tests.limits.conftest import KEY, LIMITS, connect, next_of
from tests.servers import LiveServer

MESSAGE = LIMITS["message_max_chars"]
CONVERSATION = LIMITS["conversation_max_chars"]
INSTRUCTIONS = LIMITS["instructions_max_chars"]


def _error(response: httpx.Response) -> dict[str, str]:
    return response.json()["error"]


async def test_chat_completions_bound_each_message_the_instructions_and_the_conversation(
        http: httpx.AsyncClient) -> None:
    too_long = await http.post("/v1/chat/completions", json={
        "model": "eco", "messages": [{"role": "user", "content": "가" * (MESSAGE + 1)}]})
    assert too_long.status_code == 400
    assert _error(too_long)["code"] == "string_above_max_length"
    assert _error(too_long)["param"] == "messages[0].content"
    parts = await http.post("/v1/chat/completions", json={"model": "eco", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "a" * MESSAGE}, {"type": "text", "text": "b" * 10}]}]})
    assert parts.status_code == 400 and _error(parts)["code"] == "string_above_max_length"
    system = await http.post("/v1/chat/completions", json={"model": "eco", "messages": [
        {"role": "system", "content": "s" * (INSTRUCTIONS + 1)}, {"role": "user", "content": "hi"}]})
    assert system.status_code == 400 and _error(system)["param"] == "messages[0].content"
    turns = CONVERSATION // MESSAGE + 1
    history = [{"role": "user" if i % 2 == 0 else "assistant", "content": "w" * MESSAGE} for i in range(turns)]
    whole = await http.post("/v1/chat/completions", json={"model": "eco", "messages": [
        *history, {"role": "user", "content": "hi"}]})
    assert whole.status_code == 400 and _error(whole)["code"] == "context_length_exceeded"
    fine = await http.post("/v1/chat/completions", json={"model": "eco", "messages": [
        {"role": "user", "content": "hello " * (MESSAGE // 7)}]})
    assert fine.status_code == 200, fine.text


async def test_chat_jobs_bound_the_message(http: httpx.AsyncClient) -> None:
    refused = await http.post("/v1/chat", json={"session_id": "bounds", "message": "m" * (MESSAGE + 1)})
    assert refused.status_code == 400
    assert _error(refused)["code"] == "string_above_max_length" and _error(refused)["param"] == "message"
    accepted = await http.post("/v1/chat", json={"session_id": "bounds", "message": "m" * MESSAGE})
    assert accepted.status_code == 202


async def test_realtime_items_and_instructions_are_bounded_with_typed_errors(server: LiveServer) -> None:
    async with connect(server, KEY) as ws:
        await next_of(ws, "session.created")
        await ws.send(json.dumps({"type": "conversation.item.create", "event_id": "big_item", "item": {
            "type": "message", "role": "user", "content": [{"type": "input_text", "text": "x" * (MESSAGE + 1)}]}}))
        error = (await next_of(ws, "error"))["error"]
        assert (error["code"], error["event_id"]) == ("string_above_max_length", "big_item")
        assert error["param"] == "item.content[0]"
        await ws.send(json.dumps({"type": "session.update", "event_id": "big_instructions", "session": {
            "type": "realtime", "instructions": "i" * (INSTRUCTIONS + 1)}}))
        error = (await next_of(ws, "error"))["error"]
        assert (error["code"], error["param"]) == ("string_above_max_length", "session.instructions")
        await ws.send(json.dumps({"type": "response.create", "response": {
            "conversation": "none", "output_modalities": ["text"],
            "input": [{"type": "message", "role": "user",
                       "content": [{"type": "input_text", "text": "y" * (MESSAGE + 1)}]}]}}))
        error = (await next_of(ws, "error"))["error"]
        assert (error["code"], error["param"]) == ("string_above_max_length", "response.input[0].content[0]")
        await ws.send(json.dumps({"type": "conversation.item.create", "item": {
            "type": "message", "role": "user", "content": [{"type": "input_text", "text": "hello"}]}}))
        assert (await next_of(ws, "conversation.item.added", "error"))["type"] == "conversation.item.added"


def test_the_agent_is_given_the_newest_text_within_the_conversation_bound() -> None:
    limits = TextLimits(message_chars=100, conversation_chars=250)
    history = [Message("user", "a" * 100), ToolCall("c1", "t", "{}" * 10), ToolOutput("c1", "o" * 80),
               Message("assistant", "b" * 100), Message("user", "c" * 60)]
    recent = limits.recent(history)
    assert recent == history[2:]  # 80 + 100 + 60 = 240 ≤ 250; the call (22) would pass it
    assert limits.recent([Message("user", "z" * 1000)]) == [Message("user", "z" * 250)]


class _SlowAgent:
    name = "slow"

    def __init__(self) -> None:
        self.cancelled = asyncio.Event()
        self.seen_chars = 0

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        self.seen_chars = sum(len(item.text) for item in request.history if isinstance(item, Message))
        yield TextDelta("thinking… ")
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            self.cancelled.set()
            raise


async def test_a_turn_past_its_budget_fails_with_turn_timeout_and_its_agent_is_cancelled() -> None:
    agent = _SlowAgent()
    profile = Profile(name="slow", description="", instructions="", agent=agent)
    engines = fake_engines()
    pipeline = Pipeline(stt=engines.stt, tts=engines.tts, limits=TextLimits(conversation_chars=1000),
                        turn_max_seconds=0.3)
    turn = pipeline.turn(profile, [Message("user", "q" * 5000)], TextInput("go"), TurnOptions(speak=False))
    with pytest.raises(TurnTimeout) as timed_out:
        async for _ in turn:
            pass
    assert timed_out.value.code == "turn_timeout"
    assert agent.cancelled.is_set() and agent.seen_chars <= 1000


async def test_a_whole_rest_response_is_cancelled_when_its_client_leaves() -> None:
    messages = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, object]:
        if messages:
            return messages.pop()
        await asyncio.sleep(0.1)
        return {"type": "http.disconnect"}

    cancelled = asyncio.Event()

    async def work() -> str:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "never"

    request = Request({"type": "http", "method": "POST", "path": "/", "headers": []}, receive)
    await request.body()
    with pytest.raises(ClientLeft):
        await asyncio.wait_for(unless_client_leaves(request, work()), 5)
    assert cancelled.is_set()


def test_kiwi_sees_at_most_its_bound_of_any_text() -> None:
    """Kiwi's time grows faster than its input (8000 letters without a space took ~7 s, 64000 ~52 s): the
    applications' analyses read the first MAX_ANALYSED_CHARS letters of anything longer."""
    from talkline.profiles.eco import models as eco_models
    from talkline.profiles.practice import morphemes

    run_on = "가" * 20000
    for analysed, bound in ((eco_models.tokenize(run_on), eco_models.MAX_ANALYSED_CHARS),
                            (morphemes.tokens(run_on), morphemes.MAX_ANALYSED_CHARS)):
        assert analysed and max(token.start + token.len for token in analysed) <= bound <= 2000
