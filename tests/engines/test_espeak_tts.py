from __future__ import annotations

import asyncio

import pytest

from talkline.audio import Pcm
from talkline.engines.base import EngineError, TextToSpeech
from talkline.engines.local.espeak_tts import EspeakTTS
from tests.engines.measures import joined, median_pitch_hz, rms

pytestmark = pytest.mark.e2e  # the real offline models

KOREAN = "안녕하세요, 만나서 반갑습니다. 오늘 날씨가 정말 좋네요."
ENGLISH = "Please put the plastic bottles in the recycling bin on Tuesday."


async def speak(tts: EspeakTTS, text: str, **options: object) -> Pcm:
    return joined([chunk async for chunk in tts.synthesize(text, **options)])  # type: ignore[arg-type]


def hangul_syllables(text: str) -> int:
    return sum(0xAC00 <= ord(char) <= 0xD7A3 for char in text)


def test_is_a_text_to_speech(espeak: EspeakTTS) -> None:
    assert isinstance(espeak, TextToSpeech)
    assert {"f1", "f5", "m1", "m7"} <= set(espeak.voices())
    assert {"ko", "en", "ja", "zh", "pt-br"} <= set(espeak.languages())


async def test_korean_is_real_audio_at_the_declared_rate(espeak: EspeakTTS) -> None:
    audio = await speak(espeak, KOREAN, language="ko")
    assert audio.rate == espeak.sample_rate == 22050
    assert rms(audio) > 1000
    # espeak's Korean runs at roughly a quarter second per syllable
    assert 0.1 <= audio.duration_ms / 1000 / hangul_syllables(KOREAN) <= 0.5


async def test_english_is_real_audio(espeak: EspeakTTS) -> None:
    audio = await speak(espeak, ENGLISH, language="en")
    assert audio.rate == espeak.sample_rate
    assert rms(audio) > 1000
    assert 0.03 * len(ENGLISH) <= audio.duration_ms / 1000 <= 0.12 * len(ENGLISH)


async def test_voices_differ_by_language(espeak: EspeakTTS) -> None:
    korean = await speak(espeak, "1 2 3", language="ko")
    english = await speak(espeak, "1 2 3", language="en")
    assert korean.data != english.data


async def test_female_variant_speaks_higher_than_male(espeak: EspeakTTS) -> None:
    female = median_pitch_hz(await speak(espeak, KOREAN, language="ko", voice="f2"))
    male = median_pitch_hz(await speak(espeak, KOREAN, language="ko", voice="m3"))
    assert 140 <= female <= 300
    assert 70 <= male <= 130
    assert female > 1.4 * male


async def test_speed_changes_the_length(espeak: EspeakTTS) -> None:
    normal = (await speak(espeak, KOREAN, language="ko")).duration_ms
    fast = (await speak(espeak, KOREAN, language="ko", speed=2.0)).duration_ms
    assert 0.35 * normal <= fast <= 0.75 * normal


async def test_concurrent_synthesis_is_serialised(espeak: EspeakTTS) -> None:
    """The library's state is global: concurrent calls must each get what they would get alone.

    espeak-ng varies its output slightly from call to call, so compare length and pitch."""
    requests = [(KOREAN, "ko", "f2"), (ENGLISH, "en", "m3"), ("Olá, tudo bem?", "pt-BR", "f5")] * 3
    alone = [await speak(espeak, text, language=lang, voice=voice) for text, lang, voice in requests]
    together = await asyncio.gather(
        *(speak(espeak, text, language=lang, voice=voice) for text, lang, voice in requests)
    )
    for mine, reference in zip(together, alone, strict=True):
        assert mine.duration_ms == pytest.approx(reference.duration_ms, rel=0.02)
        assert median_pitch_hz(mine) == pytest.approx(median_pitch_hz(reference), rel=0.1)


@pytest.mark.parametrize("text", ["", "  \n"])
async def test_nothing_to_say_gives_no_audio(espeak: EspeakTTS, text: str) -> None:
    assert [chunk async for chunk in espeak.synthesize(text, language="ko")] == []


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"language": "xx"}, "unsupported_language"),
        ({"language": "ko", "voice": "nobody"}, "unknown_voice"),
        ({"language": "ko", "speed": 0.1}, "invalid_speed"),
    ],
)
async def test_bad_requests_are_typed_errors(
    espeak: EspeakTTS, options: dict[str, object], code: str
) -> None:
    with pytest.raises(EngineError) as caught:
        await speak(espeak, KOREAN, **options)
    assert caught.value.code == code
