from __future__ import annotations

import pytest

from talkline.engines.base import EngineError, TextToSpeech
from talkline.engines.local.espeak_tts import EspeakTTS
from talkline.engines.local.piper_tts import PiperTTS
from talkline.engines.local.whisper import WhisperSTT
from talkline.engines.multilingual import OPENAI_VOICES, MultilingualTTS
from tests.engines.measures import joined, median_pitch_hz, rms
from tests.speech import word_error_rate

pytestmark = pytest.mark.e2e  # the real offline models

OPENAI_VOICE_NAMES = {
    "alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar", "fable", "nova", "onyx",
}  # fmt: skip
KOREAN = "안녕하세요, 만나서 반갑습니다. 오늘 날씨가 정말 좋네요."


@pytest.fixture(scope="module")
def tts(piper: PiperTTS, espeak: EspeakTTS) -> MultilingualTTS:
    return MultilingualTTS(piper, espeak)


def test_is_a_text_to_speech(tts: MultilingualTTS) -> None:
    assert isinstance(tts, TextToSpeech)


def test_knows_openai_and_persona_voices(tts: MultilingualTTS, espeak: EspeakTTS) -> None:
    assert OPENAI_VOICE_NAMES | {"saerom", "gildong"} <= set(tts.voices())
    assert set(OPENAI_VOICES) == OPENAI_VOICE_NAMES
    for name in tts.voices():  # every mapped variant exists in espeak-ng
        espeak.voice_name("ko", tts.route("안녕", voice=name).voice)


@pytest.mark.parametrize(
    ("text", "voice", "language", "engine", "routed_language"),
    [
        ("Where is the recycling center?", None, None, "piper", "en"),
        ("Where is the recycling center?", "saerom", None, "piper", "en"),  # the text's script wins
        ("페트병은 어디에 버려요?", "alloy", None, "espeak-ng", "ko"),
        ("PET 병은 어디에?", None, None, "espeak-ng", "ko"),
        ("Bonjour", None, "fr", "espeak-ng", "fr"),  # an explicit language wins
        ("Hello", None, "en-GB", "piper", "en"),
        ("12345", "gildong", None, "espeak-ng", "ko"),  # no letters: the persona's language
        ("12345", "onyx", None, "piper", "en"),
        ("你好", "nova", None, "espeak-ng", "zh"),
    ],
)
def test_routes_by_language_then_script_then_voice(
    tts: MultilingualTTS,
    text: str,
    voice: str | None,
    language: str | None,
    engine: str,
    routed_language: str,
) -> None:
    route = tts.route(text, voice=voice, language=language)
    assert (route.engine.name, route.language) == (engine, routed_language)


def test_voice_names_map_to_espeak_variants(tts: MultilingualTTS) -> None:
    assert tts.route(KOREAN, voice="saerom").voice == "f2"
    assert tts.route(KOREAN, voice="gildong").voice == "m3"
    assert tts.route(KOREAN, voice="Coral").voice == tts.route(KOREAN, voice="coral").voice
    assert tts.route("Hello", voice="coral").voice is None  # Piper has one voice


async def test_persona_voices_sound_female_and_male(tts: MultilingualTTS) -> None:
    saerom = joined([chunk async for chunk in tts.synthesize(KOREAN, voice="saerom")])
    gildong = joined([chunk async for chunk in tts.synthesize(KOREAN, voice="gildong")])
    assert rms(saerom) > 1000 and rms(gildong) > 1000
    assert median_pitch_hz(saerom) > 1.4 * median_pitch_hz(gildong)


async def test_english_is_spoken_by_piper(tts: MultilingualTTS, stt: WhisperSTT) -> None:
    sentence = "Please put the plastic bottles in the recycling bin on Tuesday."
    chunks = [chunk async for chunk in tts.synthesize(sentence, voice="alloy")]
    result = await stt.transcribe(joined(chunks), language="en")
    assert word_error_rate(result.text, sentence) <= 0.15


async def test_unknown_voice_is_a_typed_error(tts: MultilingualTTS) -> None:
    with pytest.raises(EngineError) as caught:
        [chunk async for chunk in tts.synthesize("Hello", voice="darth")]
    assert caught.value.code == "unknown_voice"
    assert "alloy" in str(caught.value)
