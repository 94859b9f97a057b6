"""Workers as separate processes: killed with SIGKILL mid-job, and stopped with SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from talkline.jobs import Backends, JobStatus, job_event_stream, submit_job
from tests.jobs.conftest import BROKER_URL, REDIS_URL, delete_rabbit_names, delete_redis_keys
from tests.jobs.helpers import chat_job, events_until, events_until_terminal
from tests.jobs.worker_process import TOKENS, backends_for

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["embedded", "distributed"])
def backend_kind(request: pytest.FixtureRequest) -> str:
    if request.param == "distributed":
        request.getfixturevalue("broker_url")
        request.getfixturevalue("redis_url")
    return request.param


@pytest.fixture
async def process_backends(backend_kind: str, tmp_path: Path, prefix: str) -> AsyncIterator[Backends]:
    backends = backends_for(backend_kind, prefix, tmp_path, BROKER_URL, REDIS_URL)
    try:
        yield backends
    finally:
        await backends.close()
        if backend_kind == "distributed":
            await delete_rabbit_names(BROKER_URL, backends.queue)  # type: ignore[arg-type]
            await delete_redis_keys(REDIS_URL, prefix)


class WorkerProcesses:
    def __init__(self, kind: str, prefix: str, data_dir: Path) -> None:
        self._args = (kind, prefix, str(data_dir))
        self._logs = data_dir
        self.started: list[asyncio.subprocess.Process] = []

    async def start(self) -> asyncio.subprocess.Process:
        log = open(self._logs / f"worker-{len(self.started)}.log", "wb")  # noqa: ASYNC230 (tmp file, once)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.jobs.worker_process", *self._args, cwd=REPO, stdout=log, stderr=log)
        log.close()
        self.started.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in sorted(self._logs.glob("worker-*.log")))

    async def stop_all(self) -> None:
        for process in self.started:
            if process.returncode is None:
                process.kill()
                await process.wait()


@pytest.fixture
async def workers(backend_kind: str, process_backends: Backends, prefix: str,
                  tmp_path: Path) -> AsyncIterator[WorkerProcesses]:
    processes = WorkerProcesses(backend_kind, prefix, tmp_path)
    try:
        yield processes
    finally:
        await processes.stop_all()
        print(processes.logs())  # shown by pytest when the test failed


async def test_a_worker_killed_mid_job_loses_nothing(process_backends: Backends, workers: WorkerProcesses) -> None:
    events = process_backends.events
    job = chat_job()
    await submit_job(process_backends.queue, events, job)
    first = await workers.start()
    await events_until(events, job.id, count=4)  # queued + 3 tokens: the first worker is mid-job
    second = await workers.start()
    first.send_signal(signal.SIGKILL)
    assert await first.wait() == -signal.SIGKILL

    logged = await events_until_terminal(events, job.id)
    expected_types = ["queued"] + ["token"] * TOKENS + ["audio_complete", "done"]
    assert [event.type for event in logged] == expected_types
    assert [event.seq for event in logged] == list(range(len(expected_types)))
    assert [event.data["seq"] for event in logged if event.type == "token"] == list(range(TOKENS))
    record = await events.get_job(job.id)
    assert record is not None and (record.status, record.attempt) == (JobStatus.SUCCEEDED, 2)
    # a client reading the whole stream now sees the same single consistent sequence
    streamed = [message.id async for message in job_event_stream(events, job.id, None, keepalive_s=5)]
    assert streamed == [event.id for event in logged]

    second.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(second.wait(), 60) == 0


async def test_sigterm_lets_the_running_job_finish_before_the_worker_exits(
        process_backends: Backends, workers: WorkerProcesses) -> None:
    events = process_backends.events
    job = chat_job()
    await submit_job(process_backends.queue, events, job)
    worker = await workers.start()
    await events_until(events, job.id, count=3)
    worker.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(worker.wait(), 60) == 0
    logged = await events.read(job.id)
    assert logged[-1].type == "done"
    record = await events.get_job(job.id)
    assert record is not None and (record.status, record.attempt) == (JobStatus.SUCCEEDED, 1)
