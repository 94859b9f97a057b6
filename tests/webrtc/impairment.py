"""A bad network in user space, for the tests: this kernel has no `netem` (no sch_netem module), so loss
and jitter are applied where the packets enter the processes instead.

- UDP (WebRTC): every datagram aioice receives is dropped with probability `loss`, or delivered after
  `delay ± jitter` ms (so packets also arrive out of order), seeded so a run can be repeated.
- TCP (the WebSocket): a proxy between client and server delays each chunk by `delay ± jitter` ms,
  in order as TCP delivers, and holds one chunk in `loss` for a retransmission timeout (200 ms, Linux's
  minimum RTO) first: what a lost segment costs a TCP stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from aioice.ice import StunProtocol

RETRANSMISSION_MS = 200.0


@dataclass(frozen=True)
class Impairment:
    loss: float = 0.05
    delay_ms: float = 40.0
    jitter_ms: float = 20.0
    seed: int = 15

    def delay_s(self, rng: random.Random) -> float:
        return max(0.0, self.delay_ms + rng.uniform(-self.jitter_ms, self.jitter_ms)) / 1000


@dataclass
class Counts:
    delivered: int = 0
    dropped: int = 0


@contextlib.contextmanager
def impaired_udp(impairment: Impairment) -> Iterator[Counts]:
    rng, counts = random.Random(impairment.seed), Counts()
    original = StunProtocol.datagram_received

    def receive(self: StunProtocol, data: bytes | str, addr: tuple[Any, ...]) -> None:
        if rng.random() < impairment.loss:
            counts.dropped += 1
            return
        counts.delivered += 1
        asyncio.get_running_loop().call_later(impairment.delay_s(rng), original, self, data, addr)

    StunProtocol.datagram_received = receive  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        StunProtocol.datagram_received = original  # type: ignore[method-assign]


@contextlib.asynccontextmanager
async def impaired_tcp_proxy(target_port: int, impairment: Impairment) -> AsyncIterator[int]:
    """A local port whose connections reach `target_port` through the impairment; yields the port."""
    rng = random.Random(impairment.seed)

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        async def deliver() -> None:
            while (item := await queue.get()) is not None:
                due, chunk = item
                await asyncio.sleep(max(0.0, due - loop.time()))
                writer.write(chunk)
                await writer.drain()

        sender = asyncio.create_task(deliver())
        last_due = 0.0
        try:
            while chunk := await reader.read(65536):
                stall = RETRANSMISSION_MS / 1000 if rng.random() < impairment.loss else 0.0
                last_due = max(last_due, loop.time() + impairment.delay_s(rng) + stall)  # in order, as TCP
                queue.put_nowait((last_due, chunk))
        finally:
            queue.put_nowait(None)
            with contextlib.suppress(Exception):
                await sender
            writer.close()

    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer),
                             return_exceptions=True)

    proxy = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield proxy.sockets[0].getsockname()[1]
    finally:
        proxy.close()
