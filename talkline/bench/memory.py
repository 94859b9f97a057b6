"""Resident memory a listening Realtime session adds to the server."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

from talkline.bench.processes import ServerProcess


def session_memory_mb(server: ServerProcess, sessions: int = 8) -> float:
    """Resident memory added per open, listening session (each streaming silence)."""

    async def hold() -> float:
        from openai import AsyncOpenAI

        client = AsyncOpenAI(base_url=server.http_url + "/v1", api_key="bench",
                             websocket_base_url=server.ws_url + "/v1")
        before = _rss_mb(server)
        async with _connections(client, sessions) as connections:
            for _ in range(50):  # 1 s of microphone silence on every session
                await asyncio.gather(*(c.input_audio_buffer.append(audio=base64.b64encode(bytes(960)).decode())
                                       for c in connections))
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.5)
            after = _rss_mb(server)
        return (after - before) / sessions

    return asyncio.run(hold())


class _connections:
    def __init__(self, client: Any, count: int) -> None:
        self.client, self.count, self.managers, self.connections = client, count, [], []

    async def __aenter__(self) -> list[Any]:
        for _ in range(self.count):
            manager = self.client.realtime.connect(model="eco")
            self.managers.append(manager)
            connection = await manager.__aenter__()
            await connection.recv()
            self.connections.append(connection)
        return self.connections

    async def __aexit__(self, *exc: object) -> None:
        for manager in self.managers:
            await manager.__aexit__(None, None, None)


def _rss_mb(server: ServerProcess) -> float:
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


