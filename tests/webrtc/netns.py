"""A bad link of the test's own: a network namespace and a veth pair with private addresses (a /30 of
10.213.0.0/16), on which the kernel loses and delays packets in both directions; all removed afterwards.

- Loss: nftables' `numgen random` at the ingress hook of each veth end, in a `netdev` table bound to that
  one device: the namespace's end drops what the host sends in, the host's end what the namespace sends
  out. Ingress is where a wire's loss shows: the sender never learns of it. (A drop on the sender's own
  way out, at the `output` or netdev `egress` hook, is reported back to it: TCP would send the segment
  again at once instead of noticing a loss.) Each end sends one TCP segment per packet (`gso_max_segs 1`),
  so a drop loses one segment, not a burst.
- Delay and jitter: this kernel has no `netem` qdisc (nor fq, for an eBPF departure-time delay), so the
  packets crossing the namespace's end (its `input` and `output` hooks) go to an NFQUEUE, and
  delay_queue.py, run inside the namespace, lets each go on after `delay ± jitter` ms, so they also
  overtake one another. The kernel holds the packets; only the timing is user space. nftables' own
  `queue` statement is not built into this kernel either, so the rule is iptables' NFQUEUE target
  (iptables-nft, through nft_compat).

Nothing else is added to the host's namespace (its veth end, that end's address and its netdev table) and
no other interface is touched. `ImpairedLink.run_inside` runs a coroutine in a thread that has joined the
namespace (setns(2) moves only the calling thread), so the test's client opens its sockets there while the
server under test listens on the host's end: whatever they exchange crosses the veth."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import secrets
import select
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

T = TypeVar("T")

CLONE_NEWNET = 0x40000000
SUBNET = "10.213"
DELAY_QUEUE = Path(__file__).with_name("delay_queue.py")
WORK_TIMEOUT_S = 120  # a call in the namespace that takes longer has hung
QUEUE = 0  # netfilter queues are per namespace: the namespace's own first one
TOOLS = {"ip": "iproute2", "nstat": "iproute2", "nft": "nftables", "iptables": "iptables"}


class LinkUnavailable(RuntimeError):
    """The machine cannot make the link: the test fails with this message rather than skip."""


@dataclass(frozen=True)
class Impairment:
    loss: float = 0.05
    delay_ms: float = 40.0
    jitter_ms: float = 20.0
    seed: int = 15

    def __str__(self) -> str:
        return f"{self.loss:.0%} loss, {self.delay_ms:.0f} ± {self.jitter_ms:.0f} ms delay"


@dataclass(frozen=True)
class LinkReport:
    packets: int  # IP packets that reached either end of the veth
    dropped_in: int  # by the kernel, on the way into the namespace
    dropped_out: int  # and on the way out
    delayed: int
    overtaken: int  # delayed packets that went on before one queued earlier in the same direction
    held_ms_mean: float
    held_ms_max: float
    retransmitted: int  # TCP segments the namespace's side sent again

    @property
    def dropped(self) -> int:
        return self.dropped_in + self.dropped_out

    def __str__(self) -> str:
        return (f"the kernel dropped {self.dropped} of {self.packets} packets ({self.dropped_in} on the way in, "
                f"{self.dropped_out} out) and held {self.delayed} for {self.held_ms_mean:.0f} ms on average "
                f"(longest {self.held_ms_max:.0f}, {self.overtaken} overtook an earlier one going the same way); the client's TCP "
                f"sent {self.retransmitted} segments again")


@dataclass
class ImpairedLink:
    impairment: Impairment
    namespace: str
    host_device: str
    device: str  # the namespace's end
    host_address: str
    address: str
    _delay: subprocess.Popen[str] | None = field(default=None, repr=False)
    _delay_errors: IO[str] = field(default_factory=lambda: tempfile.TemporaryFile("w+"), repr=False)

    @property
    def table(self) -> str:
        return f"talkline_{self.namespace.replace('-', '_')}"

    async def run_inside(self, work: Callable[[], Awaitable[T]]) -> T:
        """`work()` run to its end (at most WORK_TIMEOUT_S) on an event loop of its own, in a daemon thread
        inside the namespace: a hung client can neither outlive the test nor keep pytest from exiting."""
        loop = asyncio.get_running_loop()
        outcome: asyncio.Future[T] = loop.create_future()

        def run() -> None:
            try:
                value = _run_in_namespace(self.namespace, work)
            except BaseException as exc:  # handed to the test's loop, which raises it
                loop.call_soon_threadsafe(_settle, outcome, None, exc)
            else:
                loop.call_soon_threadsafe(_settle, outcome, value, None)

        threading.Thread(target=run, name=self.namespace, daemon=True).start()
        return await outcome

    def report(self) -> LinkReport:
        """What the link did; ends the delay, so only once the traffic is over (what comes later is lost)."""
        seen_in, dropped_in = _counters(("ip", "netns", "exec", self.namespace), self.table)
        seen_out, dropped_out = _counters((), self.table)
        retransmitted = _retransmissions(self.namespace)
        held = self._stop_delay()
        return LinkReport(seen_in + seen_out, dropped_in, dropped_out, held["delayed"], held["overtaken"],
                          held["held_ms_mean"], held["held_ms_max"], retransmitted)

    def _start_delay(self) -> None:
        impairment = self.impairment
        self._delay = subprocess.Popen(
            ["ip", "netns", "exec", self.namespace, sys.executable, str(DELAY_QUEUE), str(QUEUE),
             str(impairment.delay_ms), str(impairment.jitter_ms), str(impairment.seed)],
            stdout=subprocess.PIPE, stderr=self._delay_errors, text=True)  # a file: a full pipe would stall it
        readable, _, _ = select.select([self._delay.stdout], [], [], 20)
        if not readable or self._delay.stdout is None or self._delay.stdout.readline().strip() != "ready":
            self._delay.kill()
            self._delay.wait()
            raise LinkUnavailable(f"{DELAY_QUEUE.name} did not bind NFQUEUE {QUEUE}: {self._errors()}")

    def _stop_delay(self) -> dict[str, Any]:
        if self._delay is None:
            raise LinkUnavailable("the link's delay was already ended")
        delay, self._delay = self._delay, None
        delay.terminate()
        try:
            out, _ = delay.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            delay.kill()
            out, _ = delay.communicate()
        if delay.returncode != 0:
            raise LinkUnavailable(f"{DELAY_QUEUE.name} failed ({delay.returncode}): {self._errors()}")
        return dict(json.loads(out.splitlines()[-1]))

    def _errors(self) -> str:
        self._delay_errors.seek(0)
        return self._delay_errors.read().strip()


@contextlib.contextmanager
def impaired_link(impairment: Impairment) -> Iterator[ImpairedLink]:
    """A namespace and veth pair, lossy and late both ways; removed however the test ends."""
    _check_tools()
    suffix = secrets.token_hex(3)
    link = ImpairedLink(impairment, f"tl-bad-{suffix}", f"tlh{suffix}", f"tln{suffix}", *_free_addresses())
    try:
        _create(link)
        yield link
    finally:
        if link._delay is not None:
            with contextlib.suppress(LinkUnavailable):
                link._stop_delay()
        link._delay_errors.close()
        _remove(link)


def _check_tools() -> None:
    missing = sorted({package for tool, package in TOOLS.items() if shutil.which(tool) is None})
    if missing:
        raise LinkUnavailable(f"the bad-network tests need the apt packages {', '.join(missing)} "
                              "(scripts/test installs them)")
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


def _create(link: ImpairedLink) -> None:
    inside = ("ip", "-n", link.namespace)
    in_namespace = ("ip", "netns", "exec", link.namespace)
    _run("ip", "netns", "add", link.namespace)
    _run("ip", "link", "add", link.host_device, "type", "veth", "peer", "name", link.device,
         "netns", link.namespace)
    _run("ip", "addr", "add", f"{link.host_address}/30", "dev", link.host_device)
    _run(*inside, "addr", "add", f"{link.address}/30", "dev", link.device)
    for end in (("ip", "link", "set", link.host_device), (*inside, "link", "set", link.device)):
        _run(*end, "gso_max_segs", "1", "up")
    _run(*inside, "link", "set", "lo", "up")
    loss = link.impairment.loss
    _run(*in_namespace, "nft", "-f", "-", stdin=_loss_table(link.table, link.device, loss))
    _run("nft", "-f", "-", stdin=_loss_table(link.table, link.host_device, loss))
    link._start_delay()  # bound before any packet is queued: with no one reading, the queue drops them
    for chain, direction in (("INPUT", "-i"), ("OUTPUT", "-o")):
        _run(*in_namespace, "iptables", "-A", chain, direction, link.device, "-j", "NFQUEUE",
             "--queue-num", str(QUEUE))


def _loss_table(table: str, device: str, loss: float) -> str:
    """A netdev table that counts the IP packets arriving on `device` and drops `loss` of them."""
    return (f'table netdev {table} {{\n  chain arriving {{\n'
            f'    type filter hook ingress device "{device}" priority 0; policy accept;\n'
            f"    meta protocol {{ ip, ip6 }} counter\n"
            f"    meta protocol {{ ip, ip6 }} numgen random mod 100 < {round(loss * 100)} counter drop\n"
            f"  }}\n}}\n")


def _counters(prefix: tuple[str, ...], table: str) -> tuple[int, int]:
    """Packets the table's chain saw, and how many of them it dropped."""
    ruleset = json.loads(_run(*prefix, "nft", "-j", "list", "table", "netdev", table))
    seen, dropped = (item["counter"]["packets"] for entry in ruleset["nftables"] if "rule" in entry
                     for item in entry["rule"]["expr"] if "counter" in item)
    return seen, dropped


def _retransmissions(namespace: str) -> int:
    for line in _run("ip", "netns", "exec", namespace, "nstat", "-az", "TcpRetransSegs").splitlines():
        if line.startswith("TcpRetransSegs"):
            return int(line.split()[1])
    raise LinkUnavailable("nstat did not report TcpRetransSegs")


def _run_in_namespace(namespace: str, work: Callable[[], Awaitable[T]]) -> T:
    libc = ctypes.CDLL(None, use_errno=True)
    descriptor = os.open(f"/run/netns/{namespace}", os.O_RDONLY)
    try:
        if libc.setns(descriptor, CLONE_NEWNET) != 0:
            raise LinkUnavailable(f"setns into {namespace}: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(descriptor)

    async def main() -> T:
        async with asyncio.timeout(WORK_TIMEOUT_S):
            return await work()

    return asyncio.run(main())


def _settle(outcome: asyncio.Future[T], value: T | None, error: BaseException | None) -> None:
    if outcome.done():  # the test gave up waiting
        return
    if error is not None:
        outcome.set_exception(error)
    else:
        outcome.set_result(value)  # type: ignore[arg-type]


def _remove(link: ImpairedLink) -> None:
    """The host's table, the namespace (and with it both veth ends and its rules), and the host's end should
    it be left; each step is tried even if one before it failed, and whatever is left is then reported."""
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
