"""The offline engines: whisper-base, Piper + espeak-ng, silero, Smart Turn (if installed). Models load
once per process.

Importing this package is cheap; the model libraries are imported when the engines are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from talkline.engines.base import EndOfTurnModel, SpeechToText, TextToSpeech, VoiceActivityDetector
from talkline.engines.local.once import once_per_process
from talkline.engines.pool import InferencePool
from talkline.engines.provision import ModelPaths, provision_models


@dataclass(frozen=True, slots=True)
class Engines:
    stt: SpeechToText
    tts: TextToSpeech
    vad: VoiceActivityDetector
    turn: EndOfTurnModel | None = None  # for semantic_vad; None when its optional model is not installed


async def load_local_engines(data_dir: Path, pool: InferencePool, *, settings: Any = None) -> Engines:
    """The local engines, bound to `pool`. The first call verifies and loads the models (seconds);
    later calls reuse them. Reads `stt_model_dir` and `stt_beam_size` from `settings` if given."""
    stt_model_dir = getattr(settings, "stt_model_dir", None)
    beam_size = getattr(settings, "stt_beam_size", 1)
    return await pool.run(_build, Path(data_dir), pool, stt_model_dir, beam_size)


@once_per_process
def _verified_models(data_dir: Path, stt_model_dir: Path | None) -> ModelPaths:
    return provision_models(data_dir, stt_model_dir=stt_model_dir)


def _build(data_dir: Path, pool: InferencePool, stt_model_dir: Path | None, beam_size: int) -> Engines:
    from talkline.engines.local.espeak_tts import EspeakTTS
    from talkline.engines.local.piper_tts import PiperTTS
    from talkline.engines.local.silero_vad import SileroVAD
    from talkline.engines.local.smart_turn import SmartTurn
    from talkline.engines.local.whisper import WhisperSTT
    from talkline.engines.multilingual import MultilingualTTS

    paths = _verified_models(data_dir, Path(stt_model_dir) if stt_model_dir else None)
    english = PiperTTS.load(paths.piper_model, paths.piper_config, pool)
    return Engines(
        stt=WhisperSTT.load(paths.whisper_dir, pool, beam_size=beam_size),
        tts=MultilingualTTS(english, EspeakTTS.load(pool)),
        vad=SileroVAD(pool, paths.silero_model),
        turn=SmartTurn.load(paths.turn_model, pool) if paths.turn_model else None,
    )
