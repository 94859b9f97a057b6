"""Voice jobs on RabbitMQ + Redis + PostgreSQL: separate workers, two server replicas, a worker killed
with SIGKILL in the middle of a job, and a broker that cannot take jobs. Real `talkline serve` and
`talkline worker` processes, on the fake engines (eco's agent too: it is the deployment under test)."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from talkline.audio.wav import wav_bytes
from talkline.engines.fake import fake_speech
from tests.postgres import throwaway_database
from tests.server_process import ServerProcess, talkline_server, talkline_worker
from tests.sse_client import read_sse
from tests.voice.conftest import KEY_A, distributed_env

LONG_QUESTION = ("Hello, I have just moved into a new apartment in Mapo district and I have a lot of boxes, "
                 "an old sofa and a broken television. How do I throw away an empty plastic water bottle?")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Two server replicas sharing RabbitMQ, Redis and PostgreSQL; workers are started by the tests."""
    with throwaway_database() as database:
        data = Path(tmp_path_factory.mktemp("distributed"))
        env = distributed_env(data) | {"TALKLINE_DATABASE_URL": database}
        with talkline_server(data / "a", env) as replica_a, talkline_server(data / "b", env) as replica_b:
            yield {"env": env, "data": data, "a": replica_a, "b": replica_b}


def client(server: ServerProcess) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.http_url, headers={"Authorization": f"Bearer {KEY_A}"}, timeout=120)


async def test_any_replica_serves_any_stream_and_workers_take_the_jobs(deployment: dict) -> None:
    with talkline_worker(deployment["data"] / "w1", deployment["env"]), \
            talkline_worker(deployment["data"] / "w2", deployment["env"]):
        async with client(deployment["a"]) as http_a, client(deployment["b"]) as http_b:
            jobs = []
            for index in range(3):
                speech = wav_bytes(fake_speech("Where can I throw away an old battery?"))
                response = await http_a.post("/v1/voice", files={"file": ("q.wav", speech, "audio/wav")},
                                             data={"session_id": f"dist-{index}", "output_format": "opus"})
                assert response.status_code == 202, response.text
                jobs.append(response.json())
            streams = await asyncio.gather(*(read_sse(http_b, job["stream_url"]) for job in jobs))
            for stream in streams:
                assert stream.names[0] == "queued" and stream.names[-1] == "done", stream.names
                text = stream.of("transcript")[0].data["text"]
                assert text == "Where can I throw away an old battery?"
                assert "audio_complete" in stream.names
            status = (await http_b.get(f"/v1/voice/{jobs[0]['job_id']}")).json()
            assert status["status"] == "succeeded"


async def test_a_worker_killed_mid_job_loses_nothing(deployment: dict) -> None:
    async with client(deployment["a"]) as http_a, client(deployment["b"]) as http_b:
        with talkline_worker(deployment["data"] / "killed", deployment["env"]) as doomed:
            speech = wav_bytes(fake_speech(LONG_QUESTION))
            response = await http_a.post("/v1/voice", files={"file": ("q.wav", speech, "audio/wav")},
                                         data={"session_id": "crash", "output_format": "mp3"})
            job = response.json()
            deadline = time.monotonic() + 60
            while (await http_a.get(f"/v1/voice/{job['job_id']}")).json()["status"] != "running":
                assert time.monotonic() < deadline, "the job never started"
                await asyncio.sleep(0.01)
            doomed.send_signal(signal.SIGKILL)
            doomed.wait()
        before_restart = (await http_a.get(f"/v1/voice/{job['job_id']}")).json()
        assert before_restart["status"] == "running" and before_restart["attempt"] == 1
        with talkline_worker(deployment["data"] / "rescuer", deployment["env"]):
            stream = await read_sse(http_b, job["stream_url"])
        status = (await http_b.get(f"/v1/voice/{job['job_id']}")).json()

    assert status["status"] == "succeeded" and status["attempt"] == 2
    names = stream.names
    assert names.count("done") == 1 and names.count("audio_complete") == 1 and names.count("transcript") == 1
    ids = [int(e.id.split("-")[0]) for e in stream.events]
    assert ids == sorted(set(ids))  # one consistent stream: no event twice, none out of order
    tokens = stream.of("token")
    assert [t.data["seq"] for t in tokens] == list(range(1, len(tokens) + 1))
    chunks = stream.of("audio_chunk")
    assert [c.data["seq"] for c in chunks] == list(range(1, len(chunks) + 1))
    assert "".join(t.data["content"] for t in tokens) == stream.of("done")[0].data["text"]


async def test_a_broker_that_cannot_take_jobs_answers_503(tmp_path: Path) -> None:
    env = distributed_env(tmp_path) | {"TALKLINE_BROKER_URL": "amqp://guest:guest@127.0.0.1:1/",
                                     "TALKLINE_BROKER_PUBLISH_TIMEOUT_SECONDS": "2"}
    with talkline_server(tmp_path / "nobroker", env) as server:
        async with client(server) as http:
            response = await http.post("/v1/chat", json={"session_id": "x", "message": "hello"})
            assert response.status_code == 503 and response.json()["error"]["code"] == "enqueue_failed"
            health = await http.get("/healthz")
            assert health.status_code == 200


async def test_voice_jobs_can_be_turned_off_without_touching_chat(tmp_path: Path) -> None:
    env = {"TALKLINE_API_KEYS": KEY_A, "TALKLINE_VOICE_JOBS_ENABLED": "false", "TALKLINE_ENGINES": "fake",
           "TALKLINE_WARM_UP": "false", "TALKLINE_PROFILES_FILE": distributed_env(tmp_path)["TALKLINE_PROFILES_FILE"]}
    with talkline_server(tmp_path / "flag", env) as server:
        async with client(server) as http:
            voice = await http.post("/v1/voice", files={"file": ("q.wav", wav_bytes(fake_speech("Hi.")),
                                                                 "audio/wav")}, data={"session_id": "f"})
            assert voice.status_code == 503 and voice.json()["error"]["code"] == "voice_jobs_disabled"
            chat = await http.post("/v1/chat", json={"session_id": "f", "message": "How do I recycle cans?"})
            assert chat.status_code == 202
            stream = await read_sse(http, chat.json()["stream_url"])
            assert stream.names[-1] == "done" and "can" in stream.of("done")[0].data["text"].lower()
