"""A TCP proxy in front of the server that drops the first SSE event stream right after its first
audio chunk: a real network blip, for testing resume."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

EVENTS_PATH = b"/events"
CUT_AFTER = b"event: audio_chunk"


@dataclass
class BlipProxy:
    port: int
    cuts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@asynccontextmanager
async def blip_proxy(upstream_port: int) -> AsyncIterator[BlipProxy]:
    state = BlipProxy(port=0)

    async def serve(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
        armed = asyncio.Event()

        async def upward() -> None:
            while data := await client_reader.read(65536):
                if EVENTS_PATH in data and state.cuts == 0:
                    armed.set()
                upstream_writer.write(data)
                await upstream_writer.drain()

        async def downward() -> None:
            seen = b""
            while data := await upstream_reader.read(65536):
                if armed.is_set() and state.cuts == 0:
                    seen += data
                    start = seen.find(CUT_AFTER)
                    end = seen.find(b"\r\n\r\n", start) if start >= 0 else -1
                    if end >= 0:
                        state.cuts += 1
                        client_writer.write(data[:len(data) - (len(seen) - end - 4)])
                        await client_writer.drain()
                        return
                client_writer.write(data)
                await client_writer.drain()

        pipes = [asyncio.create_task(upward()), asyncio.create_task(downward())]
        try:
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pipe in pipes:
                pipe.cancel()
            for writer in (client_writer, upstream_writer):
                writer.close()
                with contextlib.suppress(Exception):
                    await writer.wait_closed()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    state.port = server.sockets[0].getsockname()[1]
    try:
        yield state
    finally:
        server.close()
        await server.wait_closed()
