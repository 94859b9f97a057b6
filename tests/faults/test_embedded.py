"""Faults of an embedded deployment (SQLite queue and event log, workers inside the server) whose
transcripts go to a private PostgreSQL: the database restarted while calls hang up, and the server
itself killed with jobs queued and running."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError
from websockets.asyncio.client import connect

from talkline.auth.identity import key_owner
from talkline.store import ConversationNotFound, create_store
from tests.faults.deployment import (
    KEY,
    LiveRead,
    assert_every_event_once,
    client,
    fake_env,
    follow,
    submit_chat,
)
from tests.faults.processes import kill, ready, reaped, spawn_server
from tests.faults.services import PrivatePostgres
from tests.server_process import ServerProcess


@dataclass
class Embedded:
    postgres: PrivatePostgres
    env: dict[str, str]
    data: Path
    server: ServerProcess
    processes: list


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Embedded]:
    data = tmp_path_factory.mktemp("faults-embedded")
    postgres = PrivatePostgres()
    postgres.start()
    env = fake_env(data, tts_pace=1.0, database_url=postgres.url, job_lease_seconds="3", worker_concurrency="2")
    try:
        server = spawn_server(data / "server", env)
        with reaped(server) as processes:
            ready(server)
            yield Embedded(postgres, env, data, server, processes)
            for process in processes:
                print(process.log_path.name, process.log()[-4000:])
    finally:
        postgres.remove()


async def _one_turn(ws, text: str) -> None:
    await ws.send(json.dumps({"type": "conversation.item.create", "item": {
        "type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}}))
    await ws.send(json.dumps({"type": "response.create", "response": {"output_modalities": ["text"]}}))
    async with asyncio.timeout(60):
        while json.loads(await ws.recv())["type"] != "response.done":
            pass


async def _session_id(ws) -> str:
    created = json.loads(await ws.recv())
    assert created["type"] == "session.created", created
    return created["session"]["id"]


async def test_calls_that_end_while_postgresql_restarts_keep_their_transcripts_once(embedded: Embedded) -> None:
    """Four Realtime calls each have a turn; PostgreSQL is killed (SIGKILL) and the four callers hang
    up while it is down; it comes back 3 s later. The callers see nothing of it (their calls ended
    normally). Each call's transcript is then stored exactly once: its user and assistant message,
    no message twice, no call missing."""
    url = f"{embedded.server.ws_url}/v1/realtime?model=eco"
    calls = [await connect(url, additional_headers={"Authorization": f"Bearer {KEY}"}) for _ in range(4)]
    ids = [await _session_id(ws) for ws in calls]
    for index, ws in enumerate(calls):
        await _one_turn(ws, f"Where do batteries go, question {index}?")
    embedded.postgres.kill()
    for ws in calls:
        await ws.close()
    await asyncio.sleep(3.0)
    embedded.postgres.start()
    store = create_store(embedded.postgres.url)
    try:
        conversations = await _stored(store, ids)
    finally:
        await store.close()
    for index, conversation in enumerate(conversations):
        assert [m.role for m in conversation.messages] == ["user", "assistant"], conversation.messages
        assert conversation.messages[0].text == f"Where do batteries go, question {index}?"
        assert conversation.ended_at is not None


async def _stored(store, ids: list[str], within_s: float = 60.0) -> list:
    async with asyncio.timeout(within_s):
        while True:
            try:
                return [await store.transcripts.get(key_owner(KEY), conversation_id) for conversation_id in ids]
            except (ConversationNotFound, OSError, DBAPIError):  # noqa: PERF203 (not stored yet, or not up yet)
                await asyncio.sleep(0.5)


async def test_the_embedded_server_killed_with_jobs_queued_and_running_loses_none(embedded: Embedded) -> None:
    """Three jobs are running or queued when the server (and with it its workers) is killed with
    SIGKILL. The clients' connections drop. The server is started again on the same data directory
    and port; the jobs' leases expire and the new workers retake them. Each client reconnects with
    `Last-Event-ID` and sees the rest of its stream to `done`, every event once."""
    server = embedded.server
    async with client(server.http_url) as http:
        jobs = [await submit_chat(http, f"embedded-kill-{index}") for index in range(3)]
        reads = [LiveRead() for _ in jobs]
        readers = [asyncio.create_task(follow(http, job["stream_url"], read, within_s=180))
                   for job, read in zip(jobs, reads, strict=True)]
        await reads[0].until(3)
        kill(server)
        restarted = spawn_server(embedded.data / "server", embedded.env, port=server.port)
        embedded.processes.append(restarted)
        await asyncio.gather(*readers)
        statuses = [(await http.get(f"/v1/chat/{job['job_id']}")).json() for job in jobs]
    for read in reads:
        assert_every_event_once(read)
        assert read.reconnects >= 1
    assert [s["status"] for s in statuses] == ["succeeded"] * 3
