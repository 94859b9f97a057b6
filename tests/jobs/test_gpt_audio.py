"""Voice jobs on a speech-to-speech chat model (the Eco² ADR's gpt-audio design), against the scripted fake OpenAI
server: the recorded audio goes in as an `input_audio` part, the profile's server tools run in the loop, and the
streamed speech comes back as `audio_chunk`s of about a sentence."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from talkline.agent.audio_llm import AudioLLMAgent
from talkline.audio import Pcm, wav_bytes
from talkline.audio.wav import read_wav
from talkline.engines.pool import InferencePool
from talkline.jobs import Job, JobEvents, JobFailed
from talkline.jobs.sqlite_events import SqliteEventLog
from talkline.jobs.turn_handler import TurnJobHandler
from talkline.pipeline import Pipeline
from talkline.profiles.base import ProfileRegistry
from talkline.profiles.config import apply_profiles_file
from talkline.profiles.engines import RemoteSTT
from talkline.profiles.registry import builtin_profiles
from talkline.store import Store, create_store
from tests.fakes.chat_chunks import (
    ScriptedCall,
    audio_chunks,
    chunk,
    text_chunks,
    tool_call_chunks,
    usage_chunk,
)
from tests.fakes.openai_server import EventStream, FakeOpenAI, Json, Received, error_reply
from tests.speech import english_speech

KEY = "sk-gpt-audio-secret-5151"
KEY_ENV = "GPT_AUDIO_TEST_KEY"
QUESTION = "How much do recyclers pay for aluminium cans?"
ANSWER = ["Aluminium cans fetch about twelve hundred won a kilo. ", "Rinse and crush them first."]


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI.running() as server:
        yield server


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with create_store(f"sqlite+aiosqlite:///{tmp_path / 'talkline.db'}") as opened:
        yield opened


@pytest.fixture(scope="module")
def pool() -> Iterator[InferencePool]:
    pool = InferencePool(1)
    yield pool
    pool.shutdown()


def eco_on_gpt_audio(tmp_path: Path, fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> ProfileRegistry:
    monkeypatch.setenv(KEY_ENV, KEY)
    path = tmp_path / "profiles.toml"
    path.write_text(f"""
[profiles.eco.audio_model]
kind = "openai"
base_url = "{fake.base_url}"
api_key_env = "{KEY_ENV}"
model = "gpt-audio"
voices = {{ alloy = "coral" }}
max_retries = 0

[profiles.eco.stt]
kind = "openai"
base_url = "{fake.base_url}"
api_key_env = "{KEY_ENV}"
max_retries = 0
""", encoding="utf-8")
    return apply_profiles_file(builtin_profiles(), path)


def handler(profiles: ProfileRegistry, store: Store, pool: InferencePool) -> TurnJobHandler:
    eco = profiles.get("eco")
    config = eco.engines.speech_to_speech
    stt = eco.engines.stt
    assert config is not None and isinstance(stt, RemoteSTT)
    model = config.build(eco.name)
    assert isinstance(model, AudioLLMAgent)
    pipeline = Pipeline(stt=stt.build(), tts=None, audio_model=model)  # type: ignore[arg-type]
    return TurnJobHandler(pipeline=lambda name: pipeline, profiles=profiles, history=store.sessions, pool=pool)


async def run_job(sqlite_event_log: SqliteEventLog, handle: TurnJobHandler, job: Job) -> tuple[list[Any], dict]:
    await sqlite_event_log.create_job(job)
    events = JobEvents(sqlite_event_log, job.id)
    await handle(job, events)
    assert events.result is not None
    return await sqlite_event_log.read(job.id), events.result


async def test_a_voice_job_runs_on_gpt_audio_with_the_profiles_tools(
        tmp_path: Path, fake: FakeOpenAI, store: Store, pool: InferencePool, sqlite_event_log: SqliteEventLog,
        monkeypatch: pytest.MonkeyPatch) -> None:
    upload = wav_bytes(english_speech(QUESTION, rate=16000))
    reply = english_speech("".join(ANSWER).strip())

    def first_request(request: Received) -> None:
        body = request.json()
        assert body["model"] == "gpt-audio" and body["stream"] is True
        assert body["modalities"] == ["text", "audio"] and body["audio"] == {"voice": "coral", "format": "pcm16"}
        assert body["messages"][0]["role"] == "system" and "Eco" in body["messages"][0]["content"]
        assert body["messages"][-1] == {"role": "user", "content": [{"type": "input_audio", "input_audio": {
            "data": base64.b64encode(upload).decode(), "format": "wav"}}]}
        assert "get_recyclable_price" in [tool["function"]["name"] for tool in body["tools"]]
        assert request.bearer == KEY

    def second_request(request: Received) -> None:
        messages = request.json()["messages"]
        assert messages[-2]["tool_calls"][0]["id"] == "call_price"
        assert messages[-1]["role"] == "tool" and messages[-1]["tool_call_id"] == "call_price"
        assert json.loads(messages[-1]["content"])["won_per_kg"] == 1200

    fake.expect_transcription(Json({"text": QUESTION}))
    fake.expect_chat(EventStream(tool_call_chunks(ScriptedCall("call_price", "get_recyclable_price",
                                                               ['{"material": ', '"aluminium can"}']))),
                     check=first_request)
    fake.expect_chat(EventStream([*audio_chunks(ANSWER, reply.data, piece_bytes=7681), usage_chunk(900, 120)]),
                     check=second_request)
    job = Job(kind="voice", owner="alice", session_id="call-1", profile="eco", audio=upload,
              options={"output_format": "wav", "modalities": ["text", "audio"]})
    profiles = eco_on_gpt_audio(tmp_path, fake, monkeypatch)
    events, done = await run_job(sqlite_event_log, handler(profiles, store, pool), job)

    kinds = [event.type for event in events]
    assert kinds[:3] == ["queued", "tool_call", "tool_result"]
    assert kinds[-2:] == ["transcript", "audio_complete"]
    assert events[1].data == {"call_id": "call_price", "name": "get_recyclable_price",
                              "arguments": {"material": "aluminium can"}}
    assert events[2].data["ok"] is True and "1,200 won/kg" in events[2].data["summary"]
    assert "".join(e.data["content"] for e in events if e.type == "token") == "".join(ANSWER)
    chunks = [read_wav(base64.b64decode(e.data["data"])) for e in events if e.type == "audio_chunk"]
    assert len(chunks) >= 2 and b"".join(c.data for c in chunks) == reply.data  # nothing lost, nothing added
    assert all(1500 <= c.duration_ms <= 2500 for c in chunks[:-1])
    for piece, following in zip(chunks, chunks[1:], strict=False):  # cut where the speech is quietest
        assert _level(following.slice_ms(0, 20)) <= _level(piece)
    complete = events[-1].data
    assert complete["total_duration_ms"] == pytest.approx(reply.duration_ms, abs=1)
    assert complete["text_transcript"] == "".join(ANSWER)
    assert events[-2].data["text"] == QUESTION
    assert done["text"] == "".join(ANSWER) and done["user_text"] == QUESTION
    assert done["usage"] == {"input_tokens": 900, "output_tokens": 120, "total_tokens": 1020}
    history = await store.sessions.load("alice", "call-1", exclude_turn="another")
    assert [(turn.role, turn.text) for turn in history] == [("user", QUESTION), ("assistant", "".join(ANSWER))]


async def test_a_text_job_on_gpt_audio_asks_for_text_only(
        tmp_path: Path, fake: FakeOpenAI, store: Store, pool: InferencePool, sqlite_event_log: SqliteEventLog,
        monkeypatch: pytest.MonkeyPatch) -> None:
    def text_only(request: Received) -> None:
        body = request.json()
        assert body["modalities"] == ["text"] and "audio" not in body
        assert body["messages"][-1] == {"role": "user", "content": "Where do glass bottles go?"}

    fake.expect_chat(EventStream([*text_chunks("Glass ", "goes in the glass bin.")[:-1], chunk({}, "length")]),
                     check=text_only)
    job = Job(kind="chat", owner="alice", profile="eco", text="Where do glass bottles go?",
              options={"modalities": ["text"]})
    profiles = eco_on_gpt_audio(tmp_path, fake, monkeypatch)
    events, done = await run_job(sqlite_event_log, handler(profiles, store, pool), job)
    assert [event.type for event in events] == ["queued", "token", "token"]
    assert done["text"] == "Glass goes in the glass bin." and done["user_text"] == "Where do glass bottles go?"


async def test_a_refusing_audio_model_fails_the_job_with_a_typed_error(
        tmp_path: Path, fake: FakeOpenAI, store: Store, pool: InferencePool, sqlite_event_log: SqliteEventLog,
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake.expect_chat(error_reply(401, f"Incorrect API key provided: {KEY}", code="invalid_api_key"))
    job = Job(kind="chat", owner="alice", profile="eco", text=QUESTION)
    profiles = eco_on_gpt_audio(tmp_path, fake, monkeypatch)
    await sqlite_event_log.create_job(job)
    with pytest.raises(JobFailed) as failed:
        await handler(profiles, store, pool)(job, JobEvents(sqlite_event_log, job.id))
    assert failed.value.code == "llm_error" and "HTTP 401" in str(failed.value)
    assert KEY not in str(failed.value)


def _level(pcm: Pcm) -> float:
    samples = np.frombuffer(pcm.data, dtype="<i2").astype(np.float64)
    return float(np.sqrt(np.mean(np.square(samples)))) if samples.size else 0.0
