"""Per-profile engines in the running server: the profiles file gives a profile its own pipeline (remote engines)
or a speech-to-speech model, the others share the local pipeline, and the Realtime services, the job handler and
the REST surface each use the profile's own."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from talkline.agent.audio_llm import AudioLLMAgent
from talkline.audio import wav_bytes
from talkline.engines.fake import FakeSTT, FakeTTS
from talkline.engines.remote import OpenAISTT, OpenAITTS
from talkline.jobs import Job, JobEvents
from talkline.jobs.sqlite_events import SqliteEventLog
from talkline.profiles.engines import RelayUpstream
from talkline.rest.services import RestServices
from talkline.runtime import Runtime
from talkline.settings import Settings
from tests.fakes.chat_chunks import audio_chunks, text_chunks
from tests.fakes.openai_server import Body, EventStream, FakeOpenAI, Json
from tests.speech import english_speech

KEY = "sk-runtime-engines-secret-3131"
KEY_ENV = "RUNTIME_ENGINES_TEST_KEY"
REPLY = "Put it in the plastic bin."  # short enough to be spoken as one piece (one TTS request)


@pytest.fixture(scope="module")
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI.running() as server:
        yield server


def profiles_file(path: Path, fake: FakeOpenAI) -> Path:
    remote = f'kind = "openai"\nbase_url = "{fake.base_url}"\napi_key_env = "{KEY_ENV}"\nmax_retries = 0'
    path.write_text(f"""
[profiles.eco.agent]
{remote}
model = "gpt-4o-mini"

[profiles.eco.stt]
{remote}

[profiles.eco.tts]
{remote}

[profiles.speaker]
base = "eco"
description = "eco on a speech-to-speech model"
[profiles.speaker.audio_model]
{remote}
model = "gpt-audio"

[profiles.practice.realtime]
kind = "relay"
url = "ws://127.0.0.1:9/v1/realtime"
model = "eco"
""", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def runtime_settings(tmp_path_factory: pytest.TempPathFactory, fake: FakeOpenAI) -> Iterator[Settings]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(KEY_ENV, KEY)
        base = Path(tmp_path_factory.mktemp("runtime-engines"))
        yield Settings(data_dir=base, profiles_file=profiles_file(base / "profiles.toml", fake), inference_workers=2,
                       engines="fake")  # the shared engines: the fakes, chosen by settings


@pytest.fixture(scope="module")
async def runtime(runtime_settings: Settings) -> AsyncIterator[Runtime]:
    runtime = Runtime.create(runtime_settings)
    await runtime.load_engines()
    yield runtime
    runtime.pool.shutdown()


async def test_each_profile_gets_its_engines_once(runtime: Runtime) -> None:
    eco, speaker = runtime.pipeline_for("eco"), runtime.pipeline_for("speaker")
    assert isinstance(eco.stt, OpenAISTT) and isinstance(eco.tts, OpenAITTS)
    assert runtime.pipeline_for("eco") is eco  # built once, with its connection pools
    assert isinstance(speaker.stt, OpenAISTT) and speaker is not eco  # inherited engines, its own instances
    assert runtime.pipeline_for("practice") is runtime.pipeline  # no remote engines: the shared local pipeline
    assert isinstance(runtime.pipeline.stt, FakeSTT) and isinstance(runtime.pipeline.tts, FakeTTS)  # by settings
    assert runtime.pipeline_for("whisper-1") is runtime.pipeline  # a REST model name that is no profile
    assert isinstance(speaker.audio_model, AudioLLMAgent)
    assert eco.audio_model is None
    practice = runtime.profiles.get("practice")
    assert isinstance(practice.engines.relay, RelayUpstream) and runtime.profiles.get("eco").engines.relay is None


async def test_realtime_and_rest_use_the_profiles_pipeline(runtime: Runtime, runtime_settings: Settings) -> None:
    eco = runtime.profiles.get("eco")
    assert runtime.realtime_services(eco).pipeline is runtime.pipeline_for("eco")
    assert runtime.realtime_services(runtime.profiles.get("practice")).pipeline is runtime.pipeline
    rest = RestServices(pipelines=runtime.loaded_pipeline, profiles=runtime.profiles, settings=runtime_settings)
    assert rest.pipeline("eco") is runtime.pipeline_for("eco") and rest.pipeline("tts-1") is runtime.pipeline
    assert rest.pipeline() is runtime.pipeline


async def test_jobs_run_on_the_profiles_engines(runtime: Runtime, fake: FakeOpenAI, tmp_path: Path) -> None:
    spoken = english_speech(REPLY)
    fake.expect_chat(EventStream(text_chunks(REPLY)))
    fake.expect_speech(Body([spoken.data], media_type="audio/pcm"))
    question = english_speech("Where does a plastic bottle go?", rate=16000)
    fake.expect_transcription(Json({"text": "Where does a plastic bottle go?"}))
    fake.expect_chat(EventStream(audio_chunks([REPLY], spoken.data)))
    log = SqliteEventLog(tmp_path / "events.db", 3600.0, poll_s=0.05)
    await runtime.store.start()
    try:
        chat = await _run(runtime, log, Job(kind="chat", owner="bob", profile="eco", text="Where does it go?",
                                            options={"output_format": "pcm"}))
        voice = await _run(runtime, log, Job(kind="voice", owner="bob", profile="speaker",
                                             audio=wav_bytes(question), options={"output_format": "pcm"}))
    finally:
        await log.close()
        await runtime.store.close()

    for events in (chat, voice):
        audio = b"".join(base64.b64decode(e.data["data"]) for e in events if e.type == "audio_chunk")
        assert audio == spoken.data  # the fake's speech: eco's remote TTS, or the speaker's audio model
    chat_requests = [r.json() for r in fake.received if r.path == "/v1/chat/completions"]
    assert chat_requests[0]["model"] == "gpt-4o-mini" and "modalities" not in chat_requests[0]
    assert chat_requests[1]["model"] == "gpt-audio" and chat_requests[1]["modalities"] == ["text", "audio"]
    assert [e.data["text"] for e in voice if e.type == "transcript"] == ["Where does a plastic bottle go?"]
    assert {r.bearer for r in fake.received} == {KEY}


async def _run(runtime: Runtime, log: SqliteEventLog, job: Job) -> list[Any]:
    await log.create_job(job)
    events = JobEvents(log, job.id)
    await runtime.job_handler()(job, events)
    return await log.read(job.id)
