"""A `talkline worker` process running a slow, deterministic handler (for the kill and SIGTERM tests).

    python -m tests.jobs.worker_process {embedded|distributed} PREFIX DATA_DIR
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from talkline.jobs import Backends, Job, JobEvents, run_worker
from talkline.jobs.rabbit_queue import RabbitJobQueue
from talkline.jobs.redis_events import RedisEventLog
from talkline.jobs.sqlite_events import SqliteEventLog
from talkline.jobs.sqlite_queue import SqliteJobQueue
from talkline.settings import Settings

TOKENS = 12
TOKEN_DELAY_S = 0.25
LEASE_S = 1.0


def backends_for(kind: str, prefix: str, data_dir: Path, broker_url: str, redis_url: str) -> Backends:
    if kind == "embedded":
        return Backends(queue=SqliteJobQueue(data_dir / "queue.db", lease_s=LEASE_S, poll_s=0.05),
                        events=SqliteEventLog(data_dir / "events.db", 3600, poll_s=0.05))
    return Backends(queue=RabbitJobQueue(broker_url, queue_name=f"{prefix}voice.process"),
                    events=RedisEventLog(redis_url, 3600, namespace=f"{prefix}talkline"))


async def slow_answer(job: Job, events: JobEvents) -> None:
    for index in range(TOKENS):
        await asyncio.sleep(TOKEN_DELAY_S)
        await events.emit("token", {"content": f"w{index} ", "seq": index})
    await events.emit("audio_complete", {"total_duration_ms": 1200, "text_transcript": job.text})
    await events.emit("done", {"text": "".join(f"w{index} " for index in range(TOKENS))})


def main() -> None:
    from tests.jobs.conftest import BROKER_URL, REDIS_URL

    kind, prefix, data_dir = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    logging.basicConfig(level=logging.INFO, format="%(process)d %(name)s %(levelname)s %(message)s")
    settings = Settings(data_dir=data_dir, job_timeout_seconds=60, job_max_retries=2)
    backends = backends_for(kind, prefix, data_dir, BROKER_URL, REDIS_URL)
    asyncio.run(run_worker(settings, slow_answer, concurrency=1, backends=backends))


if __name__ == "__main__":
    main()
