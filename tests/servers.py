"""Talkline servers for tests.

`live_server` runs the real app (the same create_app and Runtime as `talkline serve`) under uvicorn inside
the test's event loop, on a free port, with engines the run already loaded: fakes for logic, the real
models for end-to-end tests. The applications' own models (eco's index) load once per test run, however
many servers ask. `tests/server_process.py` starts real `talkline serve` processes where the process is
the point (replicas, workers killed mid-job, the CLI)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn

from talkline.engines.base import Engines
from talkline.runtime import Runtime
from talkline.server import create_app
from talkline.settings import Settings
from tests.server_process import free_port


@dataclass(frozen=True)
class LiveServer:
    port: int
    runtime: Runtime
    host: str = "127.0.0.1"

    @property
    def http_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}"


@asynccontextmanager
async def live_server(data_dir: Path, engines: Engines, **settings: Any) -> AsyncIterator[LiveServer]:
    """A server on `engines`, with these settings (TALKLINE_* names, lower case) over the test defaults; it
    listens where `host` says (loopback unless told)."""
    port = free_port()
    chosen = {"data_dir": data_dir, "port": port, "host": "127.0.0.1", "inference_workers": 2, "warm_up": False,
              **settings}  # loopback whatever a developer's .env says
    runtime = Runtime.create(Settings(**chosen), engines=engines)
    host = runtime.settings.host
    config = uvicorn.Config(create_app(runtime=runtime), host=host, port=port, log_level="warning",
                            ws_max_size=64 * 1024 * 1024, timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(), name=f"talkline:{port}")
    while not server.started:
        if serving.done():
            serving.result()  # raises why it could not start
            raise RuntimeError("the server stopped before it started")
        await asyncio.sleep(0.02)
    try:
        yield LiveServer(port, runtime, host)
    finally:
        server.should_exit = True
        await serving
