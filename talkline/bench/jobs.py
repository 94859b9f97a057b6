"""`talkline bench jobs`: voice jobs from upload to the first `audio_chunk` and to `audio_complete`,
embedded (SQLite, in-process workers) and distributed (RabbitMQ + Redis + PostgreSQL, `talkline worker`
processes), and throughput with 1, 2 and 4 workers. Results go to a JSON file."""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from talkline.audio.wav import wav_bytes
from talkline.bench.processes import ServerProcess, talkline_server, talkline_worker
from talkline.bench.speech import english_utterances

KEY = "bench-key"
RABBIT = "amqp://guest:guest@127.0.0.1:5672/"
REDIS = "redis://127.0.0.1:6379/0"


async def one_job(http: httpx.AsyncClient, audio: bytes, session: str) -> dict[str, float]:
    started = time.monotonic()
    response = await http.post("/v1/voice", files={"file": ("q.wav", audio, "audio/wav")},
                               data={"session_id": session, "output_format": "mp3"})
    response.raise_for_status()
    marks: dict[str, float] = {}
    async with http.stream("GET", response.json()["stream_url"], timeout=300) as stream:
        async for line in stream.aiter_lines():
            if not line.startswith("event:"):
                continue
            name = line.split(":", 1)[1].strip()
            if name in ("audio_chunk", "audio_complete", "done", "error") and name not in marks:
                marks[name] = 1000 * (time.monotonic() - started)
            if name in ("done", "error"):
                break
    return marks


async def latency(server: ServerProcess, audios: list[bytes]) -> list[dict[str, float]]:
    async with _client(server) as http:
        return [await one_job(http, audio, f"bench-{index}") for index, audio in enumerate(audios)]


async def throughput(server: ServerProcess, audios: list[bytes]) -> float:
    """Jobs per minute with every job submitted at once."""
    async with _client(server) as http:
        started = time.monotonic()
        results = await asyncio.gather(*(one_job(http, a, f"tp-{i}") for i, a in enumerate(audios)))
        elapsed = time.monotonic() - started
    done = sum("done" in r for r in results)
    return 60 * done / elapsed


def _client(server: ServerProcess) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.http_url, headers={"Authorization": f"Bearer {KEY}"}, timeout=300)


def _stats(marks: list[dict[str, float]], key: str) -> dict[str, float | None]:
    values = [m[key] for m in marks if key in m]
    if not values:
        return {"p50": None, "p95": None}
    return {"p50": round(float(np.percentile(values, 50)), 1), "p95": round(float(np.percentile(values, 95)), 1)}


def run(jobs: int = 10, throughput_jobs: int = 12, output: Path | None = None) -> dict[str, Any]:
    from talkline.bench.postgres import throwaway_database

    audios = [wav_bytes(speech) for _, speech in english_utterances()]
    sequential = [audios[i % len(audios)] for i in range(jobs)]
    burst = [audios[i % len(audios)] for i in range(throughput_jobs)]
    result: dict[str, Any] = {"benchmark": "jobs", "date": time.strftime("%Y-%m-%d %H:%M:%S"), "jobs": jobs,
                              "throughput_jobs": throughput_jobs, "modes": {}, "throughput_jobs_per_minute": {}}
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="talkline-bench-jobs-")))
        embedded = stack.enter_context(talkline_server(work / "embedded", {"TALKLINE_API_KEYS": KEY}))
        marks = asyncio.run(latency(embedded, sequential))
        result["modes"]["embedded"] = {"upload_to_first_audio_chunk_ms": _stats(marks, "audio_chunk"),
                                       "upload_to_audio_complete_ms": _stats(marks, "audio_complete")}
        database = stack.enter_context(throwaway_database())
        env = {"TALKLINE_API_KEYS": KEY, "TALKLINE_BROKER_URL": RABBIT, "TALKLINE_REDIS_URL": REDIS,
               "TALKLINE_DATABASE_URL": database, "TALKLINE_JOBS_NAME_PREFIX": f"bench{uuid.uuid4().hex[:8]}.",
               "TALKLINE_WORKER_CONCURRENCY": "1"}
        server = stack.enter_context(talkline_server(work / "gateway", env))
        workers = [stack.enter_context(talkline_worker(work / "worker-1", env))]
        marks = asyncio.run(latency(server, sequential))
        result["modes"]["distributed"] = {"upload_to_first_audio_chunk_ms": _stats(marks, "audio_chunk"),
                                          "upload_to_audio_complete_ms": _stats(marks, "audio_complete")}
        for count in (1, 2, 4):
            while len(workers) < count:
                workers.append(stack.enter_context(talkline_worker(work / f"worker-{len(workers) + 1}", env)))
            result["throughput_jobs_per_minute"][str(count)] = round(asyncio.run(throughput(server, burst)), 1)
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, indent=2))
    return result
