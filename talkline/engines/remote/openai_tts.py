"""Text to speech over `/v1/audio/speech` (OpenAI's tts-1 / gpt-4o-mini-tts, or a compatible server).

The answer is asked for as raw `pcm` (24 kHz s16le mono) and read as it streams in, so the first
audio leaves before the sentence is fully synthesised. The text is sent as it is to be said (speech
front end: phone numbers digit by digit, prices and counts in words); the remote voice pronounces
Korean itself and speaks every language, so it gets the whole sentence at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence

from talkline.audio import Pcm
from talkline.audio.pcm import SAMPLE_WIDTH
from talkline.engines.remote.endpoint import REMOTE_FAILURES, OpenAIEndpoint
from talkline.engines.speech_text import spoken_text
from talkline.engines.synthesis import SpeechRequestError, checked_speed

OPENAI_VOICES = ("alloy", "ash", "ballad", "cedar", "coral", "echo", "fable", "marin", "nova", "onyx", "sage",
                 "shimmer", "verse")
PCM_RATE = 24000  # what `response_format: "pcm"` means on /v1/audio/speech
MAX_INPUT_CHARS = 4096


class OpenAITTS:
    """TextToSpeech over a remote speech endpoint. Voices pass through, after an optional renaming
    (`voice_map`, e.g. Talkline's persona voices to the provider's); the provider detects the language."""

    def __init__(self, endpoint: OpenAIEndpoint, model: str = "tts-1", *, name: str | None = None,
                 default_voice: str = "alloy", voice_map: Mapping[str, str] | None = None,
                 known_voices: Sequence[str] = OPENAI_VOICES, sample_rate: int = PCM_RATE,
                 instructions: str | None = None) -> None:
        self.name = name or f"openai:{model}"
        self.model = model
        self.sample_rate = sample_rate
        self._endpoint = endpoint
        self._client = endpoint.client()
        self._default_voice = default_voice
        self._voice_map = dict(voice_map or {})
        self._known_voices = tuple(known_voices)
        self._instructions = instructions

    def voices(self) -> list[str]:
        return sorted({*self._known_voices, *self._voice_map})

    async def synthesize(
        self, text: str, *, voice: str | None = None, language: str | None = None, speed: float = 1.0
    ) -> AsyncIterator[Pcm]:
        speed = checked_speed(speed)
        if len(text) > MAX_INPUT_CHARS:
            raise SpeechRequestError(f"text is {len(text)} characters; at most {MAX_INPUT_CHARS} can be spoken "
                                     "at once", "input_too_long")
        if not text.strip():
            return
        text = spoken_text(text, language=language)
        chosen = self._voice_map.get(voice, voice) if voice else self._default_voice
        extra = {"instructions": self._instructions} if self._instructions else {}
        samples = _WholeSamples()
        try:
            async with self._client.audio.speech.with_streaming_response.create(
                    model=self.model, input=text, voice=chosen, response_format="pcm", speed=speed,
                    **extra) as response:
                async for chunk in response.iter_bytes():
                    if data := samples.take(chunk):
                        yield Pcm(data, self.sample_rate)
        except REMOTE_FAILURES as failure:
            raise self._endpoint.error(failure, "tts") from failure


class _WholeSamples:
    """Network chunks split samples anywhere; hand on whole samples and keep the odd byte for later."""

    def __init__(self) -> None:
        self._rest = b""

    def take(self, chunk: bytes) -> bytes:
        data = self._rest + chunk
        whole = len(data) - len(data) % SAMPLE_WIDTH
        self._rest = data[whole:]
        return data[:whole]
