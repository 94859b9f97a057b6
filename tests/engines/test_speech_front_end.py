"""The speech front end inside the real local engines: what each voice is given, and what is heard.

Korean is checked through espeak-ng's own phonemes for exactly what the engine gives it: whisper-base
does not recognise espeak's Korean voice at all (empty or looping output at every speed and variant
tried, see reference/offline-models.md), so a Korean round trip through STT could only fail or pass
by chance. English speech, with a Korean term inside, does go through whisper.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import numpy as np
import pytest

from talkline.audio import Pcm
from talkline.engines.local.espeak_tts import EspeakLibrary, EspeakTTS, load_espeak
from talkline.engines.local.piper_tts import PiperTTS
from talkline.engines.local.whisper import WhisperSTT
from talkline.engines.multilingual import MultilingualTTS
from talkline.engines.pool import InferencePool
from talkline.engines.speech_text.pronounce import KoreanPronouncer, load_pronouncer
from tests.engines.measures import joined, rms
from tests.speech import character_error_rate

pytestmark = pytest.mark.e2e  # the real offline models

KOREAN = "전화 1599-0903으로 예약하시고, 수수료는 15,000원이에요."
ENGLISH = "Put food scraps in a general-waste bag (종량제봉투) and call 1599-0903. A bag costs 15,000 won."


class RecordingLibrary:
    """The real espeak-ng library, noting every text it is asked to speak."""

    def __init__(self, library: EspeakLibrary) -> None:
        self._library = library
        self.spoken: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._library, name)

    def speak(self, text: str, voice: str, rate_wpm: int) -> bytes:
        self.spoken.append(text)
        return self._library.speak(text, voice, rate_wpm)


class RecordingTTS:
    """A real engine, noting what it is asked to say and in which language and voice."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self.name = engine.name
        self.requests: list[tuple[str, str | None, str | None]] = []
        self.yielded: list[list[Pcm]] = []  # per request

    def voices(self) -> list[str]:
        return self._engine.voices()

    async def synthesize(self, text: str, *, voice: str | None = None, language: str | None = None,
                         speed: float = 1.0) -> AsyncIterator[Pcm]:
        self.requests.append((text, language, voice))
        self.yielded.append([])
        async for pcm in self._engine.synthesize(text, voice=voice, language=language, speed=speed):
            self.yielded[-1].append(pcm)
            yield pcm


@pytest.fixture(scope="module")
def korean() -> KoreanPronouncer:
    return load_pronouncer()


@pytest.fixture
def library() -> RecordingLibrary:
    return RecordingLibrary(load_espeak())


@pytest.fixture
def recorded_espeak(library: RecordingLibrary, pool: InferencePool, korean: KoreanPronouncer) -> EspeakTTS:
    return EspeakTTS(library, pool, korean=korean)  # type: ignore[arg-type]


async def test_espeak_is_given_korean_as_normalised_and_pronounced(
    piper: PiperTTS, recorded_espeak: EspeakTTS, library: RecordingLibrary
) -> None:
    tts = MultilingualTTS(piper, recorded_espeak)
    audio = joined([chunk async for chunk in tts.synthesize(KOREAN, voice="saerom")])
    assert library.spoken == ["전화 이로구구, 공구공사므로 예야카시고, 수수료는 마노처눠니에요."]
    assert rms(audio) > 1000 and 4 < audio.duration_ms / 1000 < 12


def phonemes(text: str, espeak: EspeakTTS) -> str:
    """What espeak-ng says for `text` in its Korean voice, in IPA without stress marks."""
    return load_espeak().phonemes(text, espeak.voice_name("ko")).replace("ˈ", "").replace("ˌ", "")


@pytest.mark.parametrize(
    ("written", "heard", "written_heard"),
    [
        ("감사합니다", "mn", "pn"),  # [감사함니다]
        ("음식물", "ŋm", "qm"),  # [음싱물]
        ("종량제", "ŋn", "ŋɾ"),  # [종냥제]
        ("신라", "il", "nɾ"),  # [실라]
        ("국물", "ŋm", "qm"),  # [궁물]
        ("읽고", "ɫq", "kk"),  # [일꼬]
        ("넓다", "ɫt", "pt"),  # [널따]
        ("희망", "him", "hɯj"),  # [히망]
        ("할 수 있어요", "s-u", "su"),  # [할쑤이써요]
        ("옷 안", "odɐn", "ot- ɐn"),  # [오단]
    ],
)
def test_espeak_voices_the_sound_changes(
    recorded_espeak: EspeakTTS, written: str, heard: str, written_heard: str
) -> None:
    """Ear-equivalent: the phonemes espeak-ng says for what the engine gives it, against the written form."""
    said = phonemes(recorded_espeak.spoken_form(written, "ko"), recorded_espeak)
    literal = phonemes(written, recorded_espeak)
    assert heard in said and written_heard not in said, said
    assert written_heard in literal, literal


def test_espeak_reads_digits_one_by_one_and_the_price_by_counter(recorded_espeak: EspeakTTS) -> None:
    literal = phonemes(KOREAN, recorded_espeak)
    said = phonemes(recorded_espeak.spoken_form("전화 일오구구, 공구공삼으로, 만 오천 원", "ko"), recorded_espeak)
    assert "tʃhʌn opɛq ɡu sipɡu" in literal  # the problem: 1599 read as 천오백구십구
    assert "iɾoququ ɡoŋquqoŋsɐm" in said and "mɐnotʃhʌnwʌn" in said, said


def test_other_languages_reach_espeak_as_written(recorded_espeak: EspeakTTS) -> None:
    assert recorded_espeak.spoken_form("감사합니다", "fr") == "감사합니다"
    assert recorded_espeak.spoken_form("Olá, tudo bem?", "pt-BR") == "Olá, tudo bem?"


async def test_a_korean_term_in_english_is_said_by_the_korean_voice(piper: PiperTTS, espeak: EspeakTTS) -> None:
    english, korean = RecordingTTS(piper), RecordingTTS(espeak)
    tts = MultilingualTTS(english, korean)  # type: ignore[arg-type]
    chunks = [chunk async for chunk in tts.synthesize(ENGLISH, voice="alloy")]
    assert len({chunk.rate for chunk in chunks}) == 1  # one stream
    assert english.requests == [
        ("Put food scraps in a general-waste bag", "en", None),
        ("and call one five nine nine, oh nine oh three. A bag costs fifteen thousand won.", "en", None),
    ]
    # Piper's one voice is male: the term is said in espeak's default male voice, not alloy's female one
    assert korean.requests == [("종량제봉투", "ko", None)]


async def test_english_with_a_korean_term_phone_and_price_is_heard_as_meant(
    piper: PiperTTS, espeak: EspeakTTS, stt: WhisperSTT
) -> None:
    """Real audio round trip, compared loosely: the phone number's digits then the price come back in order
    (whisper writes numbers as digits but may keep the spoken 'oh', and often hears 'won' as 'one': 15,001), and the
    words around them."""
    tts = MultilingualTTS(piper, espeak)
    audio = joined([chunk async for chunk in tts.synthesize(ENGLISH)])
    heard = (await stt.transcribe(audio, language="en")).text
    digits = "".join(re.findall(r"\d", re.sub(r"\boh\b", "0", heard, flags=re.IGNORECASE)))  # "1599. Oh 903"
    assert character_error_rate(digits[:8], "15990903") <= 0.25 and "1500" in digits[8:], heard
    # the Korean term comes back as English-looking words ('John Younger Bump') or not at all: it is not
    # scored; the English words must come back in order
    assert ordered_recall(heard, "Put food scraps in a general waste bag and call a bag costs") >= 0.7, heard


def ordered_recall(hypothesis: str, reference: str) -> float:
    """The share of the reference's words found in the hypothesis in the same order (longest common subsequence)."""
    def words(text: str) -> list[str]:
        return re.findall(r"[a-z]+", text.lower())

    heard, expected = words(hypothesis), words(reference)
    common = [[0] * (len(heard) + 1) for _ in range(len(expected) + 1)]
    for i, want in enumerate(expected, 1):
        for j, got in enumerate(heard, 1):
            common[i][j] = common[i - 1][j - 1] + 1 if want == got else max(common[i - 1][j], common[i][j - 1])
    return common[-1][-1] / len(expected)


async def test_the_pause_after_a_term_in_the_other_voice_is_short(piper: PiperTTS, espeak: EspeakTTS) -> None:
    english, korean = RecordingTTS(piper), RecordingTTS(espeak)
    chunks = [chunk async for chunk in MultilingualTTS(english, korean).synthesize(ENGLISH)]  # type: ignore[arg-type]
    [term] = korean.yielded[0]  # as espeak said it
    said = chunks[len(english.yielded[0])]  # as the sentence carries it
    assert said.data == term.data[: len(said.data)] and len(chunks) == sum(map(len, english.yielded)) + 1
    assert trailing_silence_ms(term) > 250  # espeak ends a call as a sentence
    assert 100 <= trailing_silence_ms(said) <= 160  # inside a sentence, a short pause


def trailing_silence_ms(audio: Pcm) -> float:
    samples = np.abs(np.frombuffer(audio.data, dtype="<i2").astype(np.int32))
    return 1000 * (samples.size - 1 - int(np.flatnonzero(samples > 300)[-1])) / audio.rate


class ToneTTS:
    """A model-free voice: a 200 ms tone per request at its own sample rate."""

    def __init__(self, name: str, rate: int) -> None:
        self.name, self.rate = name, rate

    def voices(self) -> list[str]:
        return []

    async def synthesize(self, text: str, *, voice: str | None = None, language: str | None = None,
                         speed: float = 1.0) -> AsyncIterator[Pcm]:
        seconds = np.arange(int(self.rate * 0.2)) / self.rate
        yield Pcm.from_float32((0.5 * np.sin(2 * np.pi * 220 * seconds)).astype(np.float32), self.rate)


async def test_runs_in_voices_of_different_rates_make_one_stream() -> None:
    tts = MultilingualTTS(ToneTTS("english", 16000), ToneTTS("other", 22050))  # type: ignore[arg-type]
    chunks = [chunk async for chunk in tts.synthesize("Put it in a general-waste bag (종량제봉투) and tie it.")]
    assert [chunk.rate for chunk in chunks] == [16000, 16000, 16000]
    assert [round(chunk.duration_ms / 10) * 10 for chunk in chunks] == [200, 200, 200]
