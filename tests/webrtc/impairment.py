"""Delay and jitter in user space, for the bad-network tests: this kernel has no `netem` qdisc (no
sch_netem; fq and fq_codel are missing too, so not even an eBPF departure-time delay), and nothing else in
it can hold a packet back for a while. The loss is the kernel's (netns.py); the delay is applied where the
packets enter the processes:

- UDP (WebRTC): every datagram aioice receives, in the server and in the client alike, is delivered
  after `delay ± jitter` ms, so packets also arrive out of order; seeded so a run can be repeated.
- TCP (the WebSocket and the call's signalling): a proxy on the host's end of the link delays each chunk
  by `delay ± jitter` ms, in order as TCP delivers. The segments the kernel dropped on the way to it were
  already sent again by TCP itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from aioice.ice import StunProtocol


@dataclass(frozen=True)
class Impairment:
    loss: float = 0.05
    delay_ms: float = 40.0
    jitter_ms: float = 20.0
    seed: int = 15

    def delay_s(self, rng: random.Random) -> float:
        return max(0.0, self.delay_ms + rng.uniform(-self.jitter_ms, self.jitter_ms)) / 1000

    def __str__(self) -> str:
        return f"{self.loss:.0%} loss, {self.delay_ms:.0f} ± {self.jitter_ms:.0f} ms delay"


@dataclass
class Delayed:
    datagrams: int = 0
    reordered: int = 0  # delivered before one that arrived earlier


@contextlib.contextmanager
def delayed_udp(impairment: Impairment) -> Iterator[Delayed]:
    """Every datagram received by aioice in this process (on whichever thread's loop) comes late."""
    rng, counts, lock = random.Random(impairment.seed), Delayed(), threading.Lock()
    latest_due: dict[int, float] = {}  # per receiving socket
    original = StunProtocol.datagram_received

    def receive(self: StunProtocol, data: bytes | str, addr: tuple[Any, ...]) -> None:
        loop = asyncio.get_running_loop()
        with lock:
            delay = impairment.delay_s(rng)
            due = loop.time() + delay
            counts.datagrams += 1
            counts.reordered += due < latest_due.get(id(self), 0.0)
            latest_due[id(self)] = max(due, latest_due.get(id(self), 0.0))
        loop.call_later(delay, original, self, data, addr)

    StunProtocol.datagram_received = receive  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        StunProtocol.datagram_received = original  # type: ignore[method-assign]


@contextlib.asynccontextmanager
async def delayed_tcp_proxy(host: str, target_port: int, impairment: Impairment) -> AsyncIterator[int]:
    """A port on `host` whose connections reach 127.0.0.1:`target_port` late both ways; yields the port."""
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
                last_due = max(last_due, loop.time() + impairment.delay_s(rng))  # in order, as TCP
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

    proxy = await asyncio.start_server(handle, host, 0)
    try:
        yield proxy.sockets[0].getsockname()[1]
    finally:
        proxy.close()
