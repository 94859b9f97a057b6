"""One TextToSpeech for every language: English to the natural Piper voice, the rest to espeak-ng.

Voice names are the ones clients already send (OpenAI's) plus Talkline persona voices. Each maps
to an espeak-ng variant that gives it a gender and timbre; Piper has a single English voice, so in
English every name sounds the same (natural speech beats a matching gender here).

Text goes through the speech front end first (numbers, phone numbers, addresses in words) and is
spoken run by run: a Korean term inside an English sentence ("a general-waste bag (종량제봉투)") is
said by the Korean voice, in the middle of the English one, as one stream of audio. The listener hears
the word they will see on the bag and say in the shop, which a romanisation read by the English voice
would mangle and leaving it out would lose. The Korean voice for such a term is espeak's default (male)
one, close to Piper's male voice, so the speaker does not seem to change mid-sentence.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

import numpy as np

from talkline.audio import Pcm, resample
from talkline.engines.base import TextToSpeech
from talkline.engines.language import primary_language
from talkline.engines.speech_text import SpeechRun, host_language, speech_runs
from talkline.engines.synthesis import SpeechRequestError

ENGLISH = "en"
TERM_PAUSE_MS = 150  # after a term in another voice, before the sentence goes on (espeak ends on 300 ms)
SILENCE_LEVEL = 300  # |sample| at or below this is silence (about -40 dBFS)


@dataclass(frozen=True, slots=True)
class VoiceSpec:
    variant: str | None  # espeak-ng voice variant: f1-f5 are female, m1-m8 male
    language: str | None = None  # a persona's own language, used when the text does not say


OPENAI_VOICES: Mapping[str, VoiceSpec] = {
    "alloy": VoiceSpec("f1"),
    "ash": VoiceSpec("m1"),
    "ballad": VoiceSpec("m2"),
    "coral": VoiceSpec("f2"),
    "echo": VoiceSpec("m3"),
    "sage": VoiceSpec("f3"),
    "shimmer": VoiceSpec("f4"),
    "verse": VoiceSpec("m4"),
    "marin": VoiceSpec("f5"),
    "cedar": VoiceSpec("m5"),
    "fable": VoiceSpec("m6"),
    "nova": VoiceSpec("steph"),
    "onyx": VoiceSpec("m7"),
}
PERSONA_VOICES: Mapping[str, VoiceSpec] = {
    "saerom": VoiceSpec("f2", "ko"),  # female, Korean
    "gildong": VoiceSpec("m3", "ko"),  # male, Korean
}
DEFAULT_VOICES: Mapping[str, VoiceSpec] = {**OPENAI_VOICES, **PERSONA_VOICES}


@dataclass(frozen=True, slots=True)
class Route:
    engine: TextToSpeech
    language: str
    voice: str | None  # the engine's own voice name


class MultilingualTTS:
    """TextToSpeech that routes each text by explicit language, else its script, else the voice's language."""

    name = "local"

    def __init__(
        self, english: TextToSpeech, other: TextToSpeech, *, voices: Mapping[str, VoiceSpec] = DEFAULT_VOICES
    ) -> None:
        self._english = english
        self._other = other
        self._voices = dict(voices)

    def voices(self) -> list[str]:
        return sorted(self._voices)

    def route(self, text: str, *, voice: str | None = None, language: str | None = None) -> Route:
        """The voice for `text` as a whole: its explicit language, else its script, else the voice's language."""
        spec = self._spec(voice)
        return self._route(host_language(text, language, spec.language), spec.variant)

    def plan(self, text: str, *, voice: str | None = None, language: str | None = None
             ) -> list[tuple[Route, SpeechRun]]:
        """What each voice will say, in order."""
        spec = self._spec(voice)
        return [(self._route(run.language, None if run.embedded else spec.variant), run)
                for run in speech_runs(text, language=language, fallback=spec.language)]

    async def synthesize(
        self, text: str, *, voice: str | None = None, language: str | None = None, speed: float = 1.0
    ) -> AsyncIterator[Pcm]:
        rate: int | None = None
        plan = self.plan(text, voice=voice, language=language)
        for index, (route, run) in enumerate(plan):
            audio = route.engine.synthesize(run.text, voice=route.voice, language=route.language, speed=speed)
            if run.embedded and index + 1 < len(plan):
                audio = _short_tail(audio, TERM_PAUSE_MS)
            async for pcm in audio:
                rate = rate or pcm.rate
                yield pcm if pcm.rate == rate else resample(pcm, rate)  # one stream, one rate

    def _route(self, language: str, variant: str | None) -> Route:
        if primary_language(language) == ENGLISH:
            return Route(self._english, ENGLISH, None)
        return Route(self._other, language, variant)

    def _spec(self, voice: str | None) -> VoiceSpec:
        if voice is None:
            return VoiceSpec(None)
        spec = self._voices.get(voice.lower())
        if spec is None:
            raise SpeechRequestError(
                f"unknown voice {voice!r}; known voices: {', '.join(self.voices())}", "unknown_voice"
            )
        return spec


async def _short_tail(audio: AsyncIterator[Pcm], keep_ms: float) -> AsyncIterator[Pcm]:
    """`audio` with the silence after its last sound cut to `keep_ms`."""
    held: Pcm | None = None
    async for pcm in audio:
        if held is not None:
            yield held
        held = pcm
    if held is not None:
        samples = np.frombuffer(held.data, dtype="<i2")
        sound = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_LEVEL)
        end = (int(sound[-1]) + 1 if sound.size else 0) + int(held.rate * keep_ms / 1000)
        yield Pcm(samples[:end].tobytes(), held.rate)
