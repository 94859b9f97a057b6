"""One inference thread pool per process, shared by every session and job.

CTranslate2, onnxruntime and the espeak/silero C libraries release the GIL while they compute, so
threads give real parallelism without copying models into worker processes.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

log = logging.getLogger(__name__)
THREAD_PREFIX = "inference"
P = ParamSpec("P")
T = TypeVar("T")


class InferencePool:
    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix=THREAD_PREFIX)

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
        return await loop.run_in_executor(self._executor, call)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def exit_past_busy_inference(grace_s: float) -> None:
    """At the end of a process: a call already running in an inference thread cannot be interrupted, and
    Python would wait for it at exit. Give such calls `grace_s`, then exit without them (their work was
    cancelled on the asyncio side already; jobs were handed back to the queue)."""
    deadline = time.monotonic() + grace_s
    busy = [thread for thread in threading.enumerate() if thread.name.startswith(THREAD_PREFIX)]
    for thread in busy:
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in busy):
        log.warning("exiting with inference calls still running (past the %g s shutdown grace)", grace_s)
        logging.shutdown()
        os._exit(0)
