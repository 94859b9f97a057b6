"""The offline engines: whisper-base, Piper + espeak-ng, silero, Smart Turn (if installed). Models load
once per process.

Importing this package is cheap; the model libraries are imported when the engines are loaded.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from talkline.engines.base import Engines, TextToSpeech
from talkline.engines.local.once import once_per_process
from talkline.engines.pool import InferencePool
from talkline.engines.provision import ModelPaths, provision_models

WARM_UP_SPEECH = (("Hello there.", "en"), ("안녕하세요.", "ko"))

__all__ = ["Engines", "load_local_engines"]  # Engines lives in engines/base.py; it is re-exported here


async def load_local_engines(data_dir: Path, pool: InferencePool, *, settings: Any = None) -> Engines:
    """The local engines, bound to `pool`. The first call verifies and loads the models (seconds);
    later calls reuse them. Reads `stt_model_dir` and `stt_beam_size` from `settings` if given."""
    from talkline.engines.speech_text.pronounce import load_pronouncer

    stt_model_dir = getattr(settings, "stt_model_dir", None)
    beam_size = getattr(settings, "stt_beam_size", 1)
    # Kiwi (Korean pronunciation, a few seconds) loads beside the models rather than after them
    engines, _ = await asyncio.gather(pool.run(_build, Path(data_dir), pool, stt_model_dir, beam_size),
                                      pool.run(load_pronouncer))
    await warm_speech(engines.tts)
    return engines


async def warm_speech(tts: TextToSpeech) -> None:
    """One short synthesis per voice family at start: a first reply does not pay for onnxruntime's first
    run (memory arenas, kernels) or espeak-ng's first voice load."""
    for text, language in WARM_UP_SPEECH:
        async for _ in tts.synthesize(text, language=language):
            pass


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
