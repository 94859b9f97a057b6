"""Faults of a distributed deployment: two `talkline serve` replicas and `talkline worker` processes on a
private RabbitMQ and a private Redis, which the tests kill and restart. Fake engines; eco's TTS takes
its time (pace) so that jobs are mid-way when the fault hits."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.faults.deployment import (
    LiveRead,
    assert_every_event_once,
    client,
    distributed_env,
    follow,
    submit_chat,
)
from tests.faults.processes import WorkerProcess, kill, ready, reaped, spawn_server
from tests.faults.services import PrivateRabbit, PrivateRedis
from tests.server_process import ServerProcess


@dataclass
class Cluster:
    redis: PrivateRedis
    rabbit: PrivateRabbit
    env: dict[str, str]
    data: Path
    replica_a: ServerProcess
    replica_b: ServerProcess
    worker: WorkerProcess
    processes: list


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    data = tmp_path_factory.mktemp("faults-distributed")
    redis_server, rabbit = PrivateRedis(data / "redis"), PrivateRabbit(data / "rabbit")
    redis_server.start()
    rabbit.process = None
    with open(rabbit.log, "ab"):
        pass
    env = distributed_env(data, broker_url=rabbit.url, redis_url=redis_server.url, tts_pace=1.0,
                          worker_concurrency="2")
    try:
        rabbit_started = _start_in_background(rabbit)
        replica_a, replica_b = spawn_server(data / "a", env), spawn_server(data / "b", env)
        rabbit_started.join()
        worker = WorkerProcess(data / "w1", env)
        with reaped(replica_a, replica_b, worker) as processes:
            ready(replica_a, replica_b, worker)
            yield Cluster(redis_server, rabbit, env, data, replica_a, replica_b, worker, processes)
            for process in processes:
                print(process.log_path.name, process.log()[-4000:] if isinstance(process, WorkerProcess)
                      else process.log()[-4000:])
    finally:
        rabbit.kill()
        redis_server.kill()


def _start_in_background(service: PrivateRabbit):  # RabbitMQ boots in seconds; the replicas meanwhile
    import threading

    thread = threading.Thread(target=service.start, daemon=True)
    thread.start()
    return thread


async def _running(http: httpx.AsyncClient, job_id: str, within_s: float = 60.0) -> None:
    async with asyncio.timeout(within_s):
        while (await http.get(f"/v1/chat/{job_id}")).json()["status"] != "running":  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def test_redis_killed_mid_stream_and_mid_append_loses_nothing(cluster: Cluster) -> None:
    """A worker is appending a job's events and a client is reading them over SSE when Redis is
    killed (SIGKILL) and comes back 2 s later (AOF, fsync always). The worker's appends and the
    server's XREAD are retried over the reconnect. The client sees a pause of a few seconds, then
    the rest of the stream on the same connection: every event once, in order, ending with `done`."""
    async with client(cluster.replica_a.http_url) as http:
        job = await submit_chat(http, "redis-restart")
        read = LiveRead()
        reading = asyncio.create_task(follow(http, job["stream_url"], read))
        await read.until(4)  # the worker is mid-job
        cluster.redis.kill()
        await asyncio.sleep(2.0)
        cluster.redis.start()
        await reading
        status = (await http.get(f"/v1/chat/{job['job_id']}")).json()
    assert_every_event_once(read)
    assert status["status"] == "succeeded" and status["attempt"] == 1
    assert read.reconnects == 0


async def test_rabbitmq_restarted_mid_job_loses_no_job_and_runs_none_twice(cluster: Cluster) -> None:
    """Three jobs are queued or running when RabbitMQ stops and restarts; a fourth is submitted while
    it is down. The worker's consumer reconnects and takes the queued jobs (durable queue, persistent
    messages); a job whose ack was lost with the connection is redelivered, found finished and only
    acked. The server's publisher reconnects and its confirms are awaited again: the fourth client
    waits for its 202 rather than getting a 503. Every client sees its stream to `done`, every event
    once, and each job ran to completion exactly once (attempt 1)."""
    async with client(cluster.replica_a.http_url) as http:
        jobs = [await submit_chat(http, f"rabbit-{index}") for index in range(3)]
        reads = [LiveRead() for _ in jobs]
        readers = [asyncio.create_task(follow(http, job["stream_url"], read)) for job, read in zip(jobs, reads, strict=True)]
        await _running(http, jobs[0]["job_id"])
        cluster.rabbit.stop()
        late = asyncio.create_task(submit_chat(http, "rabbit-late"))
        await asyncio.sleep(1.0)
        cluster.rabbit.start()
        jobs.append(await late)
        reads.append(LiveRead())
        readers.append(asyncio.create_task(follow(http, jobs[-1]["stream_url"], reads[-1])))
        await asyncio.gather(*readers)
        statuses = [(await http.get(f"/v1/chat/{job['job_id']}")).json() for job in jobs]
    for read in reads:
        assert_every_event_once(read)
    assert [s["status"] for s in statuses] == ["succeeded"] * 4
    assert [s["attempt"] for s in statuses] == [1, 1, 1, 1], statuses


@dataclass
class WorkerGap:
    killed: LiveRead
    killed_status: dict
    backlog: list[LiveRead]
    backlog_statuses: list[dict]
    waits_s: list[float]


GAP_S = 30.0
BACKLOG_JOBS = 3
# the fake agent says back what it heard and the fake TTS speaks 45 ms per byte at pace 1: ~32 s of work,
# so the jobs queued behind it wait 30 s (no worker) + 32 s on any machine, however fast
LONG_MESSAGE = " ".join(["Where do I take old batteries, paint tins and a broken kettle?"] * 11)


@pytest.fixture(scope="module")
async def worker_gap(cluster: Cluster) -> WorkerGap:
    """The only worker is killed (SIGKILL) in the middle of a job; more jobs keep arriving, a long one
    first; a replacement worker (one job at a time) is started 30 s later and works through the backlog."""
    async with client(cluster.replica_b.http_url) as http:
        killed = await submit_chat(http, "gap-killed")
        killed_read = LiveRead()
        readers = [asyncio.create_task(follow(http, killed["stream_url"], killed_read, within_s=240))]
        await killed_read.until(3)
        kill(cluster.worker)
        submitted = asyncio.get_running_loop().time()
        backlog = [await submit_chat(http, "gap-backlog-long", LONG_MESSAGE)]
        backlog += [await submit_chat(http, f"gap-backlog-{index}") for index in range(1, BACKLOG_JOBS)]
        reads = [LiveRead() for _ in backlog]
        readers += [asyncio.create_task(follow(http, job["stream_url"], read, within_s=240))
                    for job, read in zip(backlog, reads, strict=True)]
        await asyncio.sleep(GAP_S)
        cluster.worker = WorkerProcess(cluster.data / "w2", {**cluster.env, "TALKLINE_WORKER_CONCURRENCY": "1"})
        cluster.processes.append(cluster.worker)
        waits = await asyncio.gather(*(_queue_wait(read, submitted) for read in reads))
        await asyncio.gather(*readers)
        statuses = [(await http.get(f"/v1/chat/{job['job_id']}")).json() for job in [killed, *backlog]]
    return WorkerGap(killed_read, statuses[0], reads, statuses[1:], waits)


async def _queue_wait(read: LiveRead, submitted: float) -> float:
    """Seconds from submission to the first event after `queued` (a worker took the job)."""
    await read.until(2, within_s=240)
    return asyncio.get_running_loop().time() - submitted


async def test_a_worker_killed_mid_job_and_replaced_30_s_later_loses_nothing(worker_gap: WorkerGap) -> None:
    """The client was reading the job's stream when its worker died. For 30 s and more no worker
    exists: the client's connection stays open with a keepalive every 2 s (no error, no end). The
    replacement redoes the job (attempt 2); the client sees the rest of the stream on the same
    connection, every event once: the retry's first events were already in the log and are not
    sent again."""
    assert_every_event_once(worker_gap.killed)
    assert worker_gap.killed_status["status"] == "succeeded" and worker_gap.killed_status["attempt"] == 2
    assert worker_gap.killed.keepalives >= GAP_S / 2 / 2  # one every 2 s while nothing happened
    assert worker_gap.killed.reconnects == 0


async def test_a_60_s_queue_backlog_keeps_every_client_waiting_and_complete(worker_gap: WorkerGap) -> None:
    """Jobs submitted while no worker runs wait in the queue behind a long one, the last for more than
    60 s. Each client
    sees `queued`, then only keepalives on an open connection, then its whole stream to `done`, every
    event once; each job ran once (attempt 1)."""
    assert max(worker_gap.waits_s) >= 60.0, worker_gap.waits_s  # the scenario really had a 60 s backlog
    for read in worker_gap.backlog:
        assert_every_event_once(read)
        assert read.reconnects == 0 and read.keepalives >= GAP_S / 2 / 2
    assert [s["status"] for s in worker_gap.backlog_statuses] == ["succeeded"] * BACKLOG_JOBS
    assert [s["attempt"] for s in worker_gap.backlog_statuses] == [1] * BACKLOG_JOBS


async def test_a_replica_killed_mid_stream_costs_the_client_one_reconnect(cluster: Cluster) -> None:
    """The replica serving a job's stream is killed (SIGKILL) mid-job. The client's connection drops;
    it reconnects to the other replica with `Last-Event-ID` (as EventSource does) and gets exactly
    the events after the last one it saw, to `done`. The job itself never noticed."""
    async with client(cluster.replica_a.http_url) as http_a, client(cluster.replica_b.http_url) as http_b:
        job = await submit_chat(http_a, "replica-killed")
        read = LiveRead()
        first = asyncio.create_task(follow(http_a, job["stream_url"], read))
        await read.until(4)
        kill(cluster.replica_a)
        with pytest.raises(TimeoutError):  # the first replica is gone: that reader can only retry
            await asyncio.wait_for(asyncio.shield(first), 3)
        first.cancel()
        seen = len(read.events)
        await follow(http_b, job["stream_url"], read)
        status = (await http_b.get(f"/v1/chat/{job['job_id']}")).json()
    assert_every_event_once(read)
    assert len(read.events) > seen and status["status"] == "succeeded" and status["attempt"] == 1
