"""Speech to text over `/v1/audio/transcriptions` (OpenAI's whisper-1 / gpt-4o-transcribe, or a compatible server)."""

from __future__ import annotations

from talkline.audio import Pcm, wav_bytes
from talkline.engines.base import EngineError, Transcription
from talkline.engines.language import detect_language, primary_language
from talkline.engines.remote.endpoint import REMOTE_FAILURES, OpenAIEndpoint

MIN_AUDIO_MS = 100  # OpenAI refuses shorter files; nothing shorter holds a word anyway


class OpenAISTT:
    """SpeechToText that uploads each utterance as a WAV file; the language is the one asked for, else guessed
    from the script of the text (the `json` answer carries no language)."""

    def __init__(self, endpoint: OpenAIEndpoint, model: str = "whisper-1", *, name: str | None = None) -> None:
        self.name = name or f"openai:{model}"
        self.model = model
        self._endpoint = endpoint
        self._client = endpoint.client()

    async def transcribe(
        self, audio: Pcm, *, language: str | None = None, prompt: str | None = None
    ) -> Transcription:
        if len(audio.data) % 2:
            raise EngineError("audio ends in half a sample: expected 16-bit PCM", "invalid_audio")
        code = primary_language(language) if language else None
        duration_s = audio.samples / audio.rate
        if audio.duration_ms < MIN_AUDIO_MS:
            return Transcription(text="", language=code, duration_s=duration_s)
        try:
            result = await self._client.audio.transcriptions.create(
                file=("speech.wav", wav_bytes(audio), "audio/wav"), model=self.model, response_format="json",
                **({"language": code} if code else {}), **({"prompt": prompt} if prompt else {}))
        except REMOTE_FAILURES as failure:
            raise self._endpoint.error(failure, "stt") from failure
        text = (result.text or "").strip()
        return Transcription(text=text, language=code or detect_language(text), duration_s=duration_s)
