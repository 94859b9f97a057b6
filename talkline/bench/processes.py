"""Real `talkline serve` and `talkline worker` processes on free ports, for benchmarks and tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class ServerProcess:
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def talkline_server(data_dir: Path, env: Mapping[str, str] | None = None, *, command: str = "serve",
                    timeout_s: float = 120.0) -> Iterator[ServerProcess]:
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / f"server-{port}.log"
    environment = {**os.environ, "TALKLINE_DATA_DIR": str(data_dir), "TALKLINE_PORT": str(port),
                   "TALKLINE_HOST": "127.0.0.1", **(env or {})}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "talkline.cli", command], cwd=REPO, env=environment,
                                   stdout=log, stderr=subprocess.STDOUT)
    server = ServerProcess(port, process, log_path)
    try:
        wait_ready(server, timeout_s)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_ready(server: ServerProcess, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"talkline exited with {server.process.returncode}:\n{server.log()}")
        try:
            if httpx.get(server.http_url + "/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"talkline did not become ready in {timeout_s} s:\n{server.log()}")


@contextmanager
def talkline_worker(data_dir: Path, env: Mapping[str, str] | None = None, *, timeout_s: float = 120.0
                    ) -> Iterator[subprocess.Popen[bytes]]:
    """A `talkline worker` process, returned once it is taking jobs."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / f"worker-{time.monotonic_ns()}.log"
    environment = {**os.environ, "TALKLINE_DATA_DIR": str(data_dir), **(env or {})}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "talkline.cli", "worker"], cwd=REPO, env=environment,
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout_s
        while "worker started" not in log_path.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"talkline worker did not start:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
