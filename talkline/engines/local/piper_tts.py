"""English speech with Piper (a VITS voice on onnxruntime): natural, streamed sentence by sentence."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from talkline.audio import Pcm
from talkline.engines.base import EngineError
from talkline.engines.language import primary_language
from talkline.engines.local.once import once_per_process
from talkline.engines.pool import InferencePool
from talkline.engines.synthesis import SpeechRequestError, checked_speed

if TYPE_CHECKING:
    from piper import PiperVoice


@once_per_process
def load_piper_voice(model: Path, config: Path) -> PiperVoice:
    from piper import PiperVoice

    try:
        return PiperVoice.load(model, config_path=config)
    except (RuntimeError, ValueError, KeyError, OSError) as error:
        raise EngineError(f"cannot load the Piper voice {model}: {error}", "model_unavailable") from error


class PiperTTS:
    """TextToSpeech with one Piper voice; yields one Pcm per sentence as soon as it is synthesised."""

    name = "piper"

    def __init__(self, voice: PiperVoice, pool: InferencePool, *, voice_name: str) -> None:
        self._voice = voice
        self._pool = pool
        self._voice_name = voice_name
        self.language = primary_language(voice.config.espeak_voice)
        self.sample_rate: int = voice.config.sample_rate

    @classmethod
    def load(cls, model: Path, config: Path, pool: InferencePool) -> PiperTTS:
        """Blocking: loads the voice (once per process)."""
        return cls(load_piper_voice(model, config), pool, voice_name=model.stem)

    def voices(self) -> list[str]:
        return [self._voice_name]

    async def synthesize(
        self, text: str, *, voice: str | None = None, language: str | None = None, speed: float = 1.0
    ) -> AsyncIterator[Pcm]:
        from piper import SynthesisConfig

        self._check(voice, language)
        length_scale = self._voice.config.length_scale / checked_speed(speed)
        sentences = self._voice.synthesize(text, SynthesisConfig(length_scale=length_scale))
        while (chunk := await self._pool.run(next, sentences, None)) is not None:
            yield Pcm(chunk.audio_int16_bytes, chunk.sample_rate)

    def _check(self, voice: str | None, language: str | None) -> None:
        if voice is not None and voice != self._voice_name:
            raise SpeechRequestError(
                f"Piper has no voice {voice!r}; it has {self._voice_name!r}", "unknown_voice"
            )
        if language is not None and primary_language(language) != self.language:
            raise SpeechRequestError(
                f"the Piper voice speaks {self.language!r} only, not {language!r}", "unsupported_language"
            )
