"""Running workers: in the server process (embedded default) or as `talkline worker` processes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from typing import Any

from talkline.jobs.backends import Backends, create_backends
from talkline.jobs.ports import EventLog
from talkline.jobs.redact import redacted_traceback
from talkline.jobs.worker import JobHandler, Worker

log = logging.getLogger(__name__)


def build_worker(backends: Backends, handler: JobHandler, settings: Any, *,
                 concurrency: int | None = None) -> Worker:
    """A Worker configured from settings (`job_timeout_seconds`, `job_max_retries`); concurrency
    defaults to setting `worker_concurrency`, else `inference_workers`, else 1."""
    default_concurrency = (getattr(settings, "worker_concurrency", None)
                           or getattr(settings, "inference_workers", None) or 1)
    return Worker(backends.queue, backends.events, handler,
                  concurrency=concurrency or int(default_concurrency),
                  job_timeout_s=float(getattr(settings, "job_timeout_seconds", 180.0)),
                  max_retries=int(getattr(settings, "job_max_retries", 2)),
                  stop_grace_s=getattr(settings, "shutdown_grace_seconds", None))


@contextlib.asynccontextmanager
async def in_process_worker(backends: Backends, handler: JobHandler, settings: Any, *,
                            concurrency: int | None = None) -> AsyncIterator[Worker]:
    """Runs a worker (and the event purge) as tasks of this process, e.g. in the server lifespan.

    On exit it stops taking jobs and waits for the running ones up to `shutdown_grace_seconds`, then hands
    them back to the queue; the caller closes the backends."""
    worker = build_worker(backends, handler, settings, concurrency=concurrency)
    async with _purging(backends.events, settings):
        running = asyncio.create_task(worker.run(), name="talkline job worker")
        try:
            yield worker
        finally:
            worker.stop()
            await running


async def run_worker(settings: Any, handler: JobHandler, *, concurrency: int | None = None,
                     backends: Backends | None = None) -> None:
    """The `talkline worker` command: runs until SIGTERM or SIGINT, then finishes the running jobs (those
    still running after `shutdown_grace_seconds` are handed back to the queue) and exits. A worker killed harder (SIGKILL) loses nothing: its unacked jobs are redelivered."""
    backends = backends or create_backends(settings)
    worker = build_worker(backends, handler, settings, concurrency=concurrency)
    loop = asyncio.get_running_loop()
    stop_signals = (signal.SIGTERM, signal.SIGINT)
    for stop_signal in stop_signals:
        loop.add_signal_handler(stop_signal, worker.stop)
    log.info("worker started: %s, %s, concurrency %d", type(backends.queue).__name__,
             type(backends.events).__name__, worker.concurrency)
    try:
        async with _purging(backends.events, settings):
            await worker.run()
        log.info("worker stopped")
    finally:
        for stop_signal in stop_signals:
            loop.remove_signal_handler(stop_signal)
        await backends.close()


@contextlib.asynccontextmanager
async def _purging(events: EventLog, settings: Any) -> AsyncIterator[None]:
    retention_s = float(getattr(settings, "event_retention_seconds", 24 * 3600))
    purge = asyncio.create_task(_purge_periodically(events, min(600.0, max(1.0, retention_s / 10))))
    try:
        yield
    finally:
        purge.cancel()
        await asyncio.gather(purge, return_exceptions=True)


async def _purge_periodically(events: EventLog, interval_s: float) -> None:
    while True:
        try:
            purged = await events.purge_expired()
            if purged:
                log.info("purged %d expired jobs", purged)
        except Exception as exc:
            log.warning("purging expired jobs failed\n%s", redacted_traceback(exc))
        await asyncio.sleep(interval_s)
