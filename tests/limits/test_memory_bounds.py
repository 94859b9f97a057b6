"""Defect 3: request bodies are bounded per route while they arrive (a 100 MB `instructions` is refused
with 413 before it is read), instructions are bounded when a secret is minted, and the manual-mode input
audio buffer refuses appends past its cap with a typed error."""

from __future__ import annotations

import asyncio
import base64
import json

import httpx

from tests.limits.conftest import KEY, LIMITS, connect, next_of
from tests.servers import LiveServer

HUNDRED_MB = 100 * 1024 * 1024


async def _raw_post(server: LiveServer, path: str, headers: dict[str, str], body_chunks: int) -> tuple[int, dict,
                                                                                                         int]:
    """POST over a raw socket, sending up to `body_chunks` chunks of 64 KiB until the server answers; the
    status, the JSON error and how many chunks went out before the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {KEY}",
            "Content-Type: application/json", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    writer.write("\r\n".join(head).encode())
    chunked = headers.get("Transfer-Encoding") == "chunked"
    answer = asyncio.create_task(reader.read(65536))
    sent = 0
    piece = b'{"session": {"type": "realtime", "instructions": "' + b"x" * (64 * 1024)
    try:
        while not answer.done() and sent < body_chunks:
            data = piece if sent == 0 else b"x" * (64 * 1024)
            writer.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
            await writer.drain()
            sent += 1
            await asyncio.sleep(0)
    except ConnectionError:
        pass
    raw = await asyncio.wait_for(answer, 10)
    writer.close()
    status_line, _, rest = raw.partition(b"\r\n")
    body = rest.split(b"\r\n\r\n", 1)[1]
    return int(status_line.split()[1]), json.loads(body), sent


async def test_a_declared_100_mb_body_is_refused_before_it_is_read(server: LiveServer) -> None:
    status, error, sent = await _raw_post(server, "/v1/realtime/client_secrets",
                                          {"Content-Length": str(HUNDRED_MB)}, body_chunks=1)
    assert status == 413 and error["error"]["code"] == "request_too_large"


async def test_a_chunked_100_mb_body_is_cut_off_at_the_limit(server: LiveServer) -> None:
    status, error, sent = await _raw_post(server, "/v1/realtime/client_secrets", {"Transfer-Encoding": "chunked"},
                                          body_chunks=HUNDRED_MB // (64 * 1024))
    assert status == 413 and error["error"]["code"] == "request_too_large"
    assert sent * 64 * 1024 < 4 * LIMITS["json_body_max_bytes"] + 8 * 1024 * 1024  # nowhere near 100 MB


async def test_instructions_over_their_bound_are_refused_when_minting(http: httpx.AsyncClient) -> None:
    over = "x" * (LIMITS["instructions_max_chars"] + 1)
    refused = await http.post("/v1/realtime/client_secrets", json={"session": {"type": "realtime",
                                                                                "instructions": over}})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "string_above_max_length"
    assert refused.json()["error"]["param"] == "session.instructions"
    fits = await http.post("/v1/realtime/client_secrets", json={"session": {"type": "realtime",
                                                                             "instructions": over[:-1]}})
    assert fits.status_code == 200


async def test_manual_mode_buffer_refuses_appends_past_its_cap(server: LiveServer) -> None:
    second = bytes(48000)  # one second of 24 kHz pcm16 silence
    async with connect(server, KEY) as ws:
        await next_of(ws, "session.created")
        await ws.send(json.dumps({"type": "session.update", "session": {
            "type": "realtime", "audio": {"input": {"turn_detection": None}}}}))
        await next_of(ws, "session.updated")
        for _ in range(int(LIMITS["input_audio_buffer_max_seconds"])):
            await ws.send(json.dumps({"type": "input_audio_buffer.append", "audio": base64.b64encode(second).decode()}))
        await ws.send(json.dumps({"type": "input_audio_buffer.append", "event_id": "one_too_many",
                                  "audio": base64.b64encode(second).decode()}))
        error = await next_of(ws, "error")
        assert error["error"]["code"] == "input_audio_buffer_full"
        assert error["error"]["event_id"] == "one_too_many"
        await ws.send(json.dumps({"type": "input_audio_buffer.commit"}))  # what was buffered is still there
        committed = await next_of(ws, "input_audio_buffer.committed", "error")
        assert committed["type"] == "input_audio_buffer.committed"
        await ws.send(json.dumps({"type": "input_audio_buffer.append", "audio": base64.b64encode(second).decode()}))
        await ws.send(json.dumps({"type": "input_audio_buffer.clear"}))
        assert (await next_of(ws, "input_audio_buffer.cleared", "error"))["type"] == "input_audio_buffer.cleared"
