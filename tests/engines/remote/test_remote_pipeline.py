"""A profile switched to remote engines by the profiles file alone, speaking a whole turn through them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from talkline.audio import wav_bytes
from talkline.engines.local import Engines
from talkline.engines.local.piper_tts import PiperTTS
from talkline.engines.local.silero_vad import SileroVAD
from talkline.engines.local.whisper import WhisperSTT
from talkline.engines.remote import OpenAISTT, OpenAITTS
from talkline.pipeline import AudioInput, Pipeline, TurnOptions
from talkline.pipeline.events import AudioOut, ResponseEnd, SpeechOut, Transcribed
from talkline.profiles.config import apply_profiles_file
from talkline.profiles.registry import builtin_profiles
from tests.fakes.chat_chunks import text_chunks
from tests.fakes.openai_server import Body, EventStream, FakeOpenAI, Json
from tests.speech import english_speech

pytestmark = pytest.mark.e2e  # the real offline models

KEY = "sk-remote-pipeline-key-123"
SENTENCES = ["Rinse the bottle first. ", "Then put it in the plastic bin."]  # a short first one is one piece


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI.running() as server:
        yield server


@pytest.fixture
def local(stt: WhisperSTT, piper: PiperTTS, vad: SileroVAD) -> Engines:
    return Engines(stt=stt, tts=piper, vad=vad)


def profiles_file(tmp_path: Path, base_url: str) -> Path:
    tables = "\n".join(f'[profiles.eco.{section}]\nkind = "openai"\nbase_url = "{base_url}"\n'
                       f'api_key_env = "REMOTE_PIPELINE_KEY"\nmax_retries = 0\n{extra}'
                       for section, extra in [("agent", 'model = "gpt-4o-mini"\n'), ("stt", ""),
                                              ("tts", 'voices = { alloy = "coral" }\n')])
    path = tmp_path / "profiles.toml"
    path.write_text(tables, encoding="utf-8")
    return path


async def test_a_spoken_turn_runs_on_remote_engines_chosen_by_the_file(
        tmp_path: Path, fake: FakeOpenAI, local: Engines, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REMOTE_PIPELINE_KEY", KEY)
    eco = apply_profiles_file(builtin_profiles(), profiles_file(tmp_path, fake.base_url)).get("eco")
    stt, tts = eco.engines.speech_to_text(local), eco.engines.text_to_speech(local)
    assert isinstance(stt, OpenAISTT) and isinstance(tts, OpenAITTS)
    question = english_speech("How do I throw away a plastic bottle?")
    fake.expect_transcription(Json({"text": "How do I throw away a plastic bottle?"}))
    fake.expect_chat(EventStream(text_chunks(*SENTENCES)))
    spoken = [english_speech(sentence.strip()) for sentence in SENTENCES]
    for audio in spoken:
        fake.expect_speech(Body([audio.data[:7201], audio.data[7201:]], media_type="audio/pcm"))

    turn = Pipeline(stt=stt, tts=tts).turn(eco, (), AudioInput(wav_bytes(question)),
                                           TurnOptions(voice="alloy", language="en"))
    events = [event async for event in turn]

    heard = next(e.transcription for e in events if isinstance(e, Transcribed))
    assert heard.text == "How do I throw away a plastic bottle?"
    assert [e.text for e in events if isinstance(e, SpeechOut)] == SENTENCES
    for index, audio in enumerate(spoken):
        assert b"".join(e.pcm.data for e in events if isinstance(e, AudioOut) and e.index == index) == audio.data
    end = events[-1]
    assert isinstance(end, ResponseEnd) and end.text == "".join(SENTENCES)
    assert end.audio_ms == pytest.approx(sum(audio.duration_ms for audio in spoken))
    speech_requests = [r for r in fake.received if r.path == "/v1/audio/speech"]
    assert [r.json()["input"] for r in speech_requests] == [s.strip() for s in SENTENCES]
    assert {r.json()["voice"] for r in speech_requests} == {"coral"}
    assert {r.bearer for r in fake.received} == {KEY}


def test_a_profile_without_overrides_keeps_the_local_engines(local: Engines) -> None:
    practice = builtin_profiles().get("practice")
    assert not practice.engines.own_speech_engines
    assert (practice.engines.speech_to_text(local), practice.engines.text_to_speech(local)) == (local.stt, local.tts)
