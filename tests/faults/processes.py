"""Talkline processes for the fault tests, started together (each takes seconds to import its models)
and killed on purpose: `spawn_server` and `spawn_worker` return at once, `ready` waits."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from tests.server_process import REPO, ServerProcess, free_port, wait_ready


def spawn_server(data: Path, env: Mapping[str, str], port: int | None = None) -> ServerProcess:
    """`talkline serve` on `port` (a free one by default); not yet ready."""
    port = port or free_port()
    data.mkdir(parents=True, exist_ok=True)
    log_path = data / f"server-{port}-{time.monotonic_ns()}.log"
    environment = {**os.environ, "TALKLINE_DATA_DIR": str(data), "TALKLINE_PORT": str(port),
                   "TALKLINE_HOST": "127.0.0.1", **env}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "talkline.cli", "serve"], cwd=REPO, env=environment,
                                   stdout=log, stderr=subprocess.STDOUT)
    return ServerProcess(port, process, log_path)


class WorkerProcess:
    def __init__(self, data: Path, env: Mapping[str, str]) -> None:
        data.mkdir(parents=True, exist_ok=True)
        self.log_path = data / f"worker-{time.monotonic_ns()}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "talkline.cli", "worker"], cwd=REPO,
                                            env={**os.environ, "TALKLINE_DATA_DIR": str(data), **env},
                                            stdout=log, stderr=subprocess.STDOUT)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_started(self, timeout_s: float = 120.0) -> None:
        deadline = time.monotonic() + timeout_s
        while "worker started" not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"talkline worker did not start:\n{self.log()}")
            time.sleep(0.2)


def ready(*processes: ServerProcess | WorkerProcess, timeout_s: float = 180.0) -> None:
    for process in processes:
        if isinstance(process, WorkerProcess):
            process.wait_started(timeout_s)
        else:
            wait_ready(process, timeout_s)


def kill(process: ServerProcess | WorkerProcess) -> None:
    """SIGKILL, as a crash or the OOM killer would."""
    if process.process.poll() is None:
        process.process.kill()
    process.process.wait()


@contextmanager
def reaped(*processes: ServerProcess | WorkerProcess) -> Iterator[list[ServerProcess | WorkerProcess]]:
    """Kills whatever of `processes` (and what the test appends) still runs at the end."""
    started = list(processes)
    try:
        yield started
    finally:
        for process in started:
            kill(process)
