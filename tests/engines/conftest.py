"""Engines load once per test session; every test module shares them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from talkline.engines.local.espeak_tts import EspeakTTS
from talkline.engines.local.piper_tts import PiperTTS
from talkline.engines.local.silero_vad import SileroVAD
from talkline.engines.local.whisper import WhisperSTT
from talkline.engines.pool import InferencePool
from talkline.engines.provision import ModelPaths, provision_models


@pytest.fixture(scope="session")
def pool() -> Iterator[InferencePool]:
    pool = InferencePool(2)
    yield pool
    pool.shutdown()


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("talkline-data")


@pytest.fixture(scope="session")
def model_paths(data_dir: Path) -> ModelPaths:
    return provision_models(data_dir)


@pytest.fixture(scope="session")
def stt(model_paths: ModelPaths, pool: InferencePool) -> WhisperSTT:
    return WhisperSTT.load(model_paths.whisper_dir, pool)


@pytest.fixture(scope="session")
def piper(model_paths: ModelPaths, pool: InferencePool) -> PiperTTS:
    return PiperTTS.load(model_paths.piper_model, model_paths.piper_config, pool)


@pytest.fixture(scope="session")
def espeak(pool: InferencePool) -> EspeakTTS:
    return EspeakTTS.load(pool)


@pytest.fixture(scope="session")
def vad(model_paths: ModelPaths, pool: InferencePool) -> SileroVAD:
    return SileroVAD(pool, model_paths.silero_model)
