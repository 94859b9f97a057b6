"""Delay and jitter for the packets of a netfilter queue: run inside the test's network namespace, it
binds to an NFQUEUE and lets each packet go on `delay ± jitter` ms after the kernel queued it, in
whatever order that makes (so packets overtake one another). The kernel holds the packets; only the
timing is ours, as this kernel has no `netem` to do it.

    python -m tests.webrtc.delay_queue QUEUE DELAY_MS JITTER_MS SEED

It prints `ready` once bound and, when stopped (SIGTERM), one JSON line: the packets delayed, how many of
them overtook one queued before them in the same direction, and how long they were held (mean and longest, in ms: what the
machine's load adds to the plan shows there)."""

from __future__ import annotations

import asyncio
import json
import random
import signal
import socket
import struct
import sys

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG = 0, 1, 2
NFQA_PACKET_HDR, NFQA_VERDICT_HDR = 1, 2
NFQA_CFG_CMD, NFQA_CFG_PARAMS, NFQA_CFG_QUEUE_MAXLEN = 1, 2, 3
NFQNL_CFG_CMD_BIND, NFQNL_COPY_META = 1, 1
NF_ACCEPT = 1
NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
NLMSG_ERROR = 2


def _attribute(kind: int, payload: bytes) -> bytes:
    length = 4 + len(payload)
    return struct.pack("=HH", length, kind) + payload + bytes(-length % 4)


def _message(kind: int, queue: int, attributes: bytes, flags: int = NLM_F_REQUEST) -> bytes:
    body = struct.pack("=BBH", socket.AF_UNSPEC, 0, socket.htons(queue)) + attributes
    return struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | kind, flags, 0, 0) + body


def _bind(netlink: socket.socket, queue: int) -> None:
    for attributes in (_attribute(NFQA_CFG_CMD, struct.pack("!BxH", NFQNL_CFG_CMD_BIND, 0)),
                       _attribute(NFQA_CFG_PARAMS, struct.pack("!IB", 0, NFQNL_COPY_META)),
                       _attribute(NFQA_CFG_QUEUE_MAXLEN, struct.pack("!I", 8192))):
        netlink.send(_message(NFQNL_MSG_CONFIG, queue, attributes, NLM_F_REQUEST | NLM_F_ACK))
        kind, error = _reply(netlink.recv(65536))
        if kind != NLMSG_ERROR or error != 0:
            raise OSError(-error, f"binding NFQUEUE {queue}: {kind=} {error=}")


def _reply(data: bytes) -> tuple[int, int]:
    _, kind, _, _, _ = struct.unpack_from("=IHHII", data)
    return kind, struct.unpack_from("=i", data, 16)[0] if kind == NLMSG_ERROR else 0


def _queued(data: bytes) -> list[tuple[int, int]]:
    """The id and netfilter hook (so the direction) of each packet queued, from one read of the socket."""
    packets, offset = [], 0
    while offset + 16 <= len(data):
        length, kind = struct.unpack_from("=IH", data, offset)
        if kind == (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
            position = offset + 20  # past the netlink and nfgen headers
            while position + 4 <= offset + length:
                size, attribute = struct.unpack_from("=HH", data, position)
                if attribute & 0x3FFF == NFQA_PACKET_HDR:
                    packet, _, hook = struct.unpack_from("!IHB", data, position + 4)
                    packets.append((packet, hook))
                position += max(4, (size + 3) & ~3)
        offset += max(16, (length + 3) & ~3)
    return packets


async def serve(queue: int, delay_ms: float, jitter_ms: float, seed: int) -> dict[str, float]:
    rng, loop = random.Random(seed), asyncio.get_running_loop()
    netlink = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    netlink.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    netlink.bind((0, 0))
    _bind(netlink, queue)
    netlink.setblocking(False)
    counts = {"delayed": 0, "overtaken": 0, "held_ms_mean": 0.0, "held_ms_max": 0.0}
    latest_due: dict[int, float] = {}  # by hook, so by direction: the latest release planned
    held_s, released = 0.0, 0

    def release(packet: int, queued: float) -> None:
        nonlocal held_s, released
        verdict = _attribute(NFQA_VERDICT_HDR, struct.pack("!II", NF_ACCEPT, packet))
        netlink.send(_message(NFQNL_MSG_VERDICT, queue, verdict))
        held = loop.time() - queued
        held_s, released = held_s + held, released + 1
        counts["held_ms_max"] = max(counts["held_ms_max"], round(held * 1000, 1))

    def readable() -> None:
        for packet, hook in _queued(netlink.recv(1 << 20)):
            delay = max(0.0, delay_ms + rng.uniform(-jitter_ms, jitter_ms)) / 1000
            due = loop.time() + delay
            counts["delayed"] += 1
            counts["overtaken"] += due < latest_due.get(hook, 0.0)
            latest_due[hook] = max(latest_due.get(hook, 0.0), due)
            loop.call_later(delay, release, packet, loop.time())

    stopped = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stopped.set)
    loop.add_reader(netlink.fileno(), readable)
    print("ready", flush=True)
    await stopped.wait()
    counts["held_ms_mean"] = round(held_s * 1000 / max(1, released), 1)
    return counts


def main() -> None:
    queue, delay_ms, jitter_ms, seed = sys.argv[1:5]
    counts = asyncio.run(serve(int(queue), float(delay_ms), float(jitter_ms), int(seed)))
    print(json.dumps(counts), flush=True)


if __name__ == "__main__":
    main()
