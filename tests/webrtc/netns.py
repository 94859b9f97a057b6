"""A lossy link of the test's own: a network namespace and a veth pair with private addresses, the kernel
dropping a share of the IP packets on it in both directions, all removed afterwards.

The loss is nftables' `numgen random` at the ingress hook of each veth end, in a `netdev` table bound to
that one device: the namespace's end drops what the host sends in, the host's end what the namespace sends
out. Nothing else is added to the host's namespace (the veth end, its address and that table, which are
deleted afterwards) and no other interface is touched. Ingress is where a wire's loss shows: the sender
never learns of it. A drop on the sender's own way out (nftables' `output` or netdev `egress` hook) is
reported back to it, so TCP would send the segment again at once rather than notice a loss, and `sendto`
could fail. Each end sends one TCP segment per packet (`gso_max_segs 1`), so a drop loses one segment,
not a burst of them.

`LossyLink.run_inside` runs a coroutine in a thread that has joined the namespace (setns(2) moves only the
calling thread), so the test's client opens its sockets there while the server under test stays in the
host's namespace: whatever they exchange crosses the veth."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import secrets
import shutil
import subprocess
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

CLONE_NEWNET = 0x40000000
SUBNET = "10.213"  # a /30 of 10.213.0.0/16 for each link


class LinkUnavailable(RuntimeError):
    """The machine cannot make the link: the test fails with this message rather than skip."""


@dataclass(frozen=True)
class Drops:
    arriving: int  # dropped on the way into the namespace (from the server)
    leaving: int  # dropped on the way out
    packets: int  # that reached the veth, both ways

    @property
    def dropped(self) -> int:
        return self.arriving + self.leaving


@dataclass(frozen=True)
class LossyLink:
    namespace: str
    host_device: str
    device: str  # the namespace's end
    host_address: str
    address: str

    @property
    def table(self) -> str:
        return f"talkline_{self.namespace.replace('-', '_')}"

    def drops(self) -> Drops:
        """IP packets that reached the veth in either direction, and how many of them the kernel dropped."""
        arriving_seen, arriving = _counters(("ip", "netns", "exec", self.namespace), self.table)
        leaving_seen, leaving = _counters((), self.table)
        return Drops(arriving, leaving, arriving_seen + leaving_seen)

    def tcp_retransmissions(self) -> int:
        """TCP segments the namespace's side sent again."""
        for line in _run("ip", "netns", "exec", self.namespace, "nstat", "-az", "TcpRetransSegs").splitlines():
            if line.startswith("TcpRetransSegs"):
                return int(line.split()[1])
        raise LinkUnavailable("nstat did not report TcpRetransSegs")

    async def run_inside(self, work: Callable[[], Awaitable[T]]) -> T:
        """`work()` run to its end on an event loop of its own, in a thread inside the namespace."""
        pool = ThreadPoolExecutor(1, thread_name_prefix=self.namespace)
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, _run_in_namespace, self.namespace, work)
        finally:
            pool.shutdown(wait=False)  # the thread ends with its only job, and the namespace is let go with it


def _counters(prefix: tuple[str, ...], table: str) -> tuple[int, int]:
    """Packets the table's chain saw, and how many of them it dropped."""
    ruleset = json.loads(_run(*prefix, "nft", "-j", "list", "table", "netdev", table))
    seen, dropped = (item["counter"]["packets"] for entry in ruleset["nftables"] if "rule" in entry
                     for item in entry["rule"]["expr"] if "counter" in item)
    return seen, dropped


def _run_in_namespace(namespace: str, work: Callable[[], Awaitable[T]]) -> T:
    libc = ctypes.CDLL(None, use_errno=True)
    descriptor = os.open(f"/run/netns/{namespace}", os.O_RDONLY)
    try:
        if libc.setns(descriptor, CLONE_NEWNET) != 0:
            raise LinkUnavailable(f"setns into {namespace}: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(descriptor)

    async def main() -> T:
        return await work()

    return asyncio.run(main())


@contextlib.contextmanager
def lossy_link(loss: float) -> Iterator[LossyLink]:
    """A namespace and veth pair dropping `loss` of the IP packets each way; removed however the test ends."""
    _check_tools()
    suffix = secrets.token_hex(3)
    host_address, address = _free_addresses()
    link = LossyLink(f"tl-bad-{suffix}", f"tlh{suffix}", f"tln{suffix}", host_address, address)
    try:
        _create(link, loss)
        yield link
    finally:
        _remove(link)


def _check_tools() -> None:
    missing = [tool for tool in ("ip", "nft", "nstat") if shutil.which(tool) is None]
    if missing:
        raise LinkUnavailable(f"the bad-network tests need {', '.join(missing)} (apt packages iproute2, nftables; "
                              "scripts/test installs them)")
    if os.geteuid() != 0:
        raise LinkUnavailable("the bad-network tests make a network namespace and veth pair: run them as root "
                              "(or with CAP_NET_ADMIN and CAP_SYS_ADMIN)")


def _free_addresses() -> tuple[str, str]:
    """Two addresses of a /30 in 10.213.0.0/16 that no interface of the host uses yet."""
    taken = _run("ip", "-4", "-o", "addr", "show")
    for _ in range(100):
        third, fourth = secrets.randbelow(256), secrets.randbelow(64) * 4
        host, guest = f"{SUBNET}.{third}.{fourth + 1}", f"{SUBNET}.{third}.{fourth + 2}"
        if f" {host}/" not in taken and f" {guest}/" not in taken:
            return host, guest
    raise LinkUnavailable(f"no free /30 left in {SUBNET}.0.0/16")


def _create(link: LossyLink, loss: float) -> None:
    inside = ("ip", "-n", link.namespace)
    _run("ip", "netns", "add", link.namespace)
    _run("ip", "link", "add", link.host_device, "type", "veth", "peer", "name", link.device,
         "netns", link.namespace)
    _run("ip", "addr", "add", f"{link.host_address}/30", "dev", link.host_device)
    _run("ip", "link", "set", link.host_device, "up")
    _run(*inside, "addr", "add", f"{link.address}/30", "dev", link.device)
    _run(*inside, "link", "set", link.device, "up")
    _run(*inside, "link", "set", "lo", "up")
    for device in (("ip", "link", "set", link.host_device), (*inside, "link", "set", link.device)):
        _run(*device, "gso_max_segs", "1")  # one TCP segment per packet, so a drop loses one segment
    _run("ip", "netns", "exec", link.namespace, "nft", "-f", "-", stdin=_ruleset(link.table, link.device, loss))
    _run("nft", "-f", "-", stdin=_ruleset(link.table, link.host_device, loss))


def _ruleset(table: str, device: str, loss: float) -> str:
    """A netdev table that counts the IP packets arriving on `device` and drops `loss` of them."""
    return (f'table netdev {table} {{\n  chain arriving {{\n'
            f'    type filter hook ingress device "{device}" priority 0; policy accept;\n'
            f"    meta protocol {{ ip, ip6 }} counter\n"
            f"    meta protocol {{ ip, ip6 }} numgen random mod 100 < {round(loss * 100)} counter drop\n"
            f"  }}\n}}\n")


def _remove(link: LossyLink) -> None:
    """The host's table, the namespace (and with it both veth ends), and the host's end should it be left;
    each step is tried even if one before it failed, and whatever is left is then reported."""
    steps = [(("nft", "list", "table", "netdev", link.table), ("nft", "delete", "table", "netdev", link.table)),
             (("ip", "netns", "pids", link.namespace), ("ip", "netns", "del", link.namespace)),
             (("ip", "link", "show", link.host_device), ("ip", "link", "del", link.host_device))]
    left = []
    for present, removal in steps:
        if subprocess.run(present, capture_output=True).returncode == 0:
            try:
                _run(*removal)
            except LinkUnavailable as error:
                left.append(str(error))
    if left:
        raise LinkUnavailable("; ".join(left))


def _run(*command: str, stdin: str | None = None) -> str:
    done = subprocess.run(command, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise LinkUnavailable(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout
