"""Every bad input gets a typed `error` event with the client's event_id, and the session carries on."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import httpx
import pytest
import websockets
from openai import AsyncOpenAI

from tests.conformance.conftest import API_KEY, MAX_SESSIONS
from tests.realtime_client import collect, is_type
from tests.servers import LiveServer


async def raw_session(server: LiveServer, model: str = "eco") -> Any:
    return await websockets.connect(server.ws_url + f"/v1/realtime?model={model}", max_size=None,
                                    additional_headers={"Authorization": f"Bearer {API_KEY}"})


async def next_of(ws: Any, kind: str, timeout: float = 20) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        while True:
            event = json.loads(await ws.recv())
            if event["type"] == kind:
                return event

    return await asyncio.wait_for(read(), timeout)


async def still_alive(ws: Any) -> None:
    await ws.send(json.dumps({"type": "session.update", "session": {"type": "realtime", "instructions": "ok"}}))
    assert (await next_of(ws, "session.updated"))["session"]["instructions"] == "ok"


BAD_INPUTS = [
    ("{not json", "invalid_json", None),
    (json.dumps([1, 2]), "invalid_event", None),
    (json.dumps({"type": "no.such.event", "event_id": "e1"}), "unknown_event_type", "type"),
    (json.dumps({"type": "input_audio_buffer.append", "audio": 5, "event_id": "e2"}), "invalid_value", "audio"),
    (json.dumps({"type": "input_audio_buffer.append", "audio": "@@not base64@@", "event_id": "e3"}),
     "invalid_base64", "audio"),
    (json.dumps({"type": "session.update", "session": {"type": "realtime", "audio": {"output": {"speed": 9}}},
                 "event_id": "e4"}), "invalid_value", "session.audio.output.speed"),
    (json.dumps({"type": "session.update", "session": {"type": "realtime", "audio": {"input": {"format": {
        "type": "audio/pcm", "rate": 16000}}}}, "event_id": "e5"}), "invalid_value", "session.audio.input.format.rate"),
    (json.dumps({"type": "conversation.item.create", "item": {"type": "message", "role": "user", "content": [
        {"type": "input_text", "text": 3}]}, "event_id": "e6"}), "invalid_value", "item.content[0].text"),
    (json.dumps({"type": "input_audio_buffer.commit", "event_id": "e7"}), "input_audio_buffer_commit_empty", None),
    (json.dumps({"type": "conversation.item.retrieve", "item_id": "item_missing", "event_id": "e8"}),
     "item_not_found", "item_id"),
    (json.dumps({"type": "conversation.item.create", "previous_item_id": "item_missing", "item": {
        "type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}, "event_id": "e9"}),
     "item_not_found", "previous_item_id"),
    (json.dumps({"type": "response.cancel", "event_id": "e10"}), "response_cancel_not_active", None),
]


@pytest.mark.parametrize(("frame", "code", "param"), BAD_INPUTS, ids=[c for _, c, _ in BAD_INPUTS])
async def test_bad_input_gets_a_typed_error_and_the_session_carries_on(server: LiveServer, frame: str,
                                                                        code: str, param: str | None) -> None:
    ws = await raw_session(server)
    try:
        await next_of(ws, "session.created")
        await ws.send(frame)
        error = (await next_of(ws, "error"))["error"]
        assert error["code"] == code and error["type"] == "invalid_request_error" and error["message"]
        assert error["param"] == param
        sent = json.loads(frame) if frame.startswith("{") and frame.endswith("}") else {}
        assert error["event_id"] == sent.get("event_id")
        await still_alive(ws)
    finally:
        await ws.close()


async def test_oversized_frame_is_refused_without_closing(server: LiveServer) -> None:
    ws = await raw_session(server)
    try:
        await next_of(ws, "session.created")
        audio = base64.b64encode(bytes(19 * 1024 * 1024)).decode()
        await ws.send(json.dumps({"type": "input_audio_buffer.append", "audio": audio, "event_id": "big"}))
        error = (await next_of(ws, "error", timeout=60))["error"]
        assert error["code"] == "frame_too_large" and error["event_id"] is None
        await still_alive(ws)
    finally:
        await ws.close()


async def test_truncate_beyond_the_audio_is_refused(client: AsyncOpenAI) -> None:
    async with client.realtime.connect(model="eco") as conn:
        await conn.conversation.item.create(item={"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "How do I recycle a can?"}]})
        await conn.response.create()
        events = await collect(conn, is_type("response.done"))
        item = [i for i in events[-1].response.output if i.type == "message"][-1]
        await conn.conversation.item.truncate(item_id=item.id, content_index=0, audio_end_ms=10_000_000,
                                              event_id="t1")
        error = (await collect(conn, is_type("error")))[-1].error
        assert error.code == "invalid_audio_end_ms" and error.param == "audio_end_ms" and error.event_id == "t1"


async def test_second_response_while_one_is_active(client: AsyncOpenAI) -> None:
    async with client.realtime.connect(model="eco") as conn:
        await conn.conversation.item.create(item={"type": "message", "role": "user", "content": [
            {"type": "input_text", "text": "Tell me how to throw away a broken television."}]})
        await conn.response.create()
        await conn.response.create(event_id="second")
        events = await collect(conn, lambda e: e.type == "error" or e.type == "response.done")
        error = events[-1]
        assert error.type == "error" and error.error.code == "conversation_already_has_active_response"
        assert error.error.event_id == "second"
        done = await collect(conn, is_type("response.done"))
        assert done[-1].response.status in ("completed", "cancelled")


async def test_unknown_model_lists_the_available_ones(server: LiveServer) -> None:
    ws = await raw_session(server, model="gpt-unknown")
    try:
        error = (await next_of(ws, "error"))["error"]
        assert error["code"] == "model_not_found" and "eco" in error["message"] and "practice" in error["message"]
    finally:
        await ws.close()


async def wait_for_no_sessions(server: LiveServer) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(100):
            metrics = (await http.get(server.http_url + "/metrics")).text
            if "talkline_sessions_active 0.0" in metrics:
                return
            await asyncio.sleep(0.1)
    raise AssertionError("sessions of earlier tests are still open")


async def test_session_limit_refuses_cleanly(server: LiveServer) -> None:
    await wait_for_no_sessions(server)
    sockets = []
    try:
        for _ in range(MAX_SESSIONS):
            ws = await raw_session(server)
            await next_of(ws, "session.created")
            sockets.append(ws)
        extra = await raw_session(server)
        sockets.append(extra)
        error = (await next_of(extra, "error"))["error"]
        assert error["code"] == "session_limit_reached"
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(extra.recv(), 5)
    finally:
        for ws in sockets:
            await ws.close()
