from __future__ import annotations

import pytest

from talkline.audio import Pcm
from talkline.engines.base import EngineError, TextToSpeech
from talkline.engines.local.piper_tts import PiperTTS
from talkline.engines.local.whisper import WhisperSTT
from tests.engines.measures import joined, rms
from tests.speech import word_error_rate

pytestmark = pytest.mark.e2e  # the real offline models

SENTENCE = "Please put the plastic bottles in the recycling bin on Tuesday."


async def speak(tts: PiperTTS, text: str, **options: object) -> list[Pcm]:
    return [chunk async for chunk in tts.synthesize(text, **options)]  # type: ignore[arg-type]


def test_is_a_text_to_speech(piper: PiperTTS) -> None:
    assert isinstance(piper, TextToSpeech)
    assert piper.voices() == ["en_US-joe-medium"]
    assert piper.language == "en"


async def test_audio_length_is_plausible_for_the_text(piper: PiperTTS) -> None:
    audio = joined(await speak(piper, SENTENCE))
    assert audio.rate == piper.sample_rate == 22050
    # read English runs at roughly 40-80 ms per character (this sentence: about 3.5 s)
    assert 0.03 * len(SENTENCE) <= audio.duration_ms / 1000 <= 0.1 * len(SENTENCE)
    assert rms(audio) > 1000


async def test_whisper_recognises_the_speech(piper: PiperTTS, stt: WhisperSTT) -> None:
    audio = joined(await speak(piper, SENTENCE))
    result = await stt.transcribe(audio, language="en")
    assert word_error_rate(result.text, SENTENCE) <= 0.15


async def test_yields_one_chunk_per_sentence(piper: PiperTTS, stt: WhisperSTT) -> None:
    text = "Thank you for calling the recycling center. How can I help you with your waste today?"
    chunks = await speak(piper, text)
    assert len(chunks) == 2
    heard = [(await stt.transcribe(chunk, language="en")).text for chunk in chunks]
    assert word_error_rate(" ".join(heard), text) <= 0.15
    assert heard[0].lower().startswith("thank you") and heard[1].lower().startswith("how can")


async def test_speed_changes_the_length(piper: PiperTTS) -> None:
    normal = joined(await speak(piper, SENTENCE)).duration_ms
    fast = joined(await speak(piper, SENTENCE, speed=2.0)).duration_ms
    slow = joined(await speak(piper, SENTENCE, speed=0.5)).duration_ms
    assert 0.4 * normal <= fast <= 0.8 * normal
    assert 1.4 * normal <= slow <= 2.2 * normal


@pytest.mark.parametrize("text", ["", "   ", "..."])
async def test_nothing_to_say_gives_no_audio(piper: PiperTTS, text: str) -> None:
    assert await speak(piper, text) == []


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"voice": "nova"}, "unknown_voice"),
        ({"language": "ko"}, "unsupported_language"),
        ({"speed": 0.0}, "invalid_speed"),
        ({"speed": 9.0}, "invalid_speed"),
        ({"speed": float("nan")}, "invalid_speed"),
    ],
)
async def test_bad_requests_are_typed_errors(piper: PiperTTS, options: dict[str, object], code: str) -> None:
    with pytest.raises(EngineError) as caught:
        await speak(piper, SENTENCE, **options)
    assert caught.value.code == code


async def test_accepts_its_own_voice_and_regional_english(piper: PiperTTS) -> None:
    chunks = await speak(piper, "Hello.", voice="en_US-joe-medium", language="en-US")
    assert rms(joined(chunks)) > 1000
