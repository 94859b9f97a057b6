from __future__ import annotations

import asyncio

import numpy as np
import pytest

from talkline.audio import Pcm
from talkline.engines.base import EngineError, SpeechToText
from talkline.engines.local.whisper import WhisperSTT, _said_once, _spoken_segments
from tests.speech import (
    KOREAN_CLIP_TRANSCRIPT,
    character_error_rate,
    english_speech,
    korean_clip,
    word_error_rate,
)

pytestmark = pytest.mark.e2e  # the real offline models

SENTENCES = [
    "The quick brown fox jumps over the lazy dog.",
    "Please put the plastic bottles in the recycling bin on Tuesday.",
    "I would like to book a table for two at seven tonight.",
    "Where can I throw away an old battery?",
    "Thank you very much, that was really helpful.",
]
# whisper-base read the real clip at CER 0.21 (4 of 19 characters wrong, at beam 1 and beam 5 alike);
# 0.30 allows one more wrong character across CPUs and library builds, and still fails on any regression
# that loses the language, the beginning or the end of the sentence.
KOREAN_MAX_CER = 0.30


def test_is_a_speech_to_text(stt: WhisperSTT) -> None:
    assert isinstance(stt, SpeechToText)
    assert stt.name == "whisper-base"


async def test_english_word_error_rate(stt: WhisperSTT) -> None:
    rates = []
    for sentence in SENTENCES:
        result = await stt.transcribe(english_speech(sentence), language="en")
        rates.append(word_error_rate(result.text, sentence))
        assert rates[-1] <= 0.25, (sentence, result.text)
    assert sum(rates) / len(rates) <= 0.15


async def test_detects_english_when_language_is_not_given(stt: WhisperSTT) -> None:
    sentence = SENTENCES[3]
    result = await stt.transcribe(english_speech(sentence))
    assert result.language == "en"
    assert word_error_rate(result.text, sentence) <= 0.15


async def test_korean_clip_character_error_rate(stt: WhisperSTT) -> None:
    result = await stt.transcribe(korean_clip(), language="ko")
    assert result.language == "ko"
    assert character_error_rate(result.text, KOREAN_CLIP_TRANSCRIPT) <= KOREAN_MAX_CER


async def test_detects_korean_when_language_is_not_given(stt: WhisperSTT) -> None:
    result = await stt.transcribe(korean_clip())
    assert result.language == "ko"
    assert character_error_rate(result.text, KOREAN_CLIP_TRANSCRIPT) <= KOREAN_MAX_CER


@pytest.mark.parametrize("sentence", ["Yes, that's it. How much is it?", "Yes.", "No.", "Okay."])
@pytest.mark.parametrize("silence_s", [(0.0, 0.0), (1.0, 1.0), (2.0, 0.3), (3.0, 1.5)],
                         ids=["none", "1s-1s", "2s-0.3s", "3s-1.5s"])
async def test_is_said_once_with_or_without_silence_around_it(
    stt: WhisperSTT, sentence: str, silence_s: tuple[float, float]
) -> None:
    # push-to-talk held early, a one-word answer: the short encoder window used to say these twice
    before, after = silence_s
    audio = Pcm.silence(before * 1000, 24000) + english_speech(sentence) + Pcm.silence(after * 1000, 24000)
    result = await stt.transcribe(audio, language="en")
    assert word_error_rate(result.text.replace("OK", "Okay"), sentence) <= 0.25, result.text


def _until_speech_ends(tokens: list[int], timestamp_begin: int, seconds: float) -> list[int]:
    return [token for _, _, segment in _spoken_segments(tokens, timestamp_begin, seconds) for token in segment]


def test_a_repeated_segment_or_phrase_is_kept_once() -> None:
    begin = 1000  # timestamp tokens from here, 20 ms each
    yes, dot, how = 11, 12, 13
    assert _until_speech_ends([begin, yes, dot, begin + 100, begin + 100, yes, dot, begin + 200], begin, 5.0) == [yes, dot]
    assert _said_once(_until_speech_ends([begin, yes, dot, yes, dot, begin + 100], begin, 5.0)) == [yes, dot]
    assert _said_once(_until_speech_ends([begin, yes, dot, yes, dot, yes], begin, 5.0)) == [yes, dot]  # to the cap
    assert _until_speech_ends([begin, yes, dot, begin + 50, begin + 50, how, dot], begin, 5.0) == [yes, dot, how, dot]
    # speech ends at the timestamp that reaches the end of the audio
    assert _until_speech_ends([begin, yes, dot, begin + 99, begin + 99, how], begin, 2.0) == [yes, dot]


async def test_duration_is_reported(stt: WhisperSTT) -> None:
    audio = english_speech(SENTENCES[0])
    result = await stt.transcribe(audio)
    assert result.duration_s == pytest.approx(audio.duration_ms / 1000)


def _clicks(seconds: float) -> Pcm:
    rng = np.random.default_rng(7)
    return Pcm.from_float32(np.where(rng.random(int(16000 * seconds)) < 0.001, 0.8, 0.0), 16000)


def _white_noise(seconds: float, level: float) -> Pcm:
    return Pcm.from_float32(np.random.default_rng(3).normal(0.0, level, int(16000 * seconds)), 16000)


@pytest.mark.parametrize(
    "audio",
    [
        Pcm.silence(3000, 24000),
        Pcm.silence(50, 16000),
        Pcm(b"", 16000),
        _white_noise(3, 0.1),
        _white_noise(3, 0.3),
        _clicks(3),  # unguarded, whisper-base wrote "이 영상은 영상에서 영상에서 ..." for these (ko)
    ],
    ids=["silence", "50ms", "empty", "noise", "loud-noise", "clicks"],
)
@pytest.mark.parametrize("language", [None, "en", "ko"])
async def test_no_text_from_silence_or_noise(stt: WhisperSTT, audio: Pcm, language: str | None) -> None:
    result = await stt.transcribe(audio, language=language)
    assert result.text == ""
    detailed = await stt.transcribe_detailed(audio, language=language)
    assert detailed.text == "" and detailed.segments == ()


async def test_speech_between_noise_is_still_heard(stt: WhisperSTT) -> None:
    sentence = SENTENCES[1]
    noise = _white_noise(1, 0.02)
    audio = noise + english_speech(sentence, 16000) + noise
    result = await stt.transcribe(audio, language="en")
    assert word_error_rate(result.text, sentence) <= 0.15


async def test_detailed_segments_are_timed(stt: WhisperSTT) -> None:
    first, second = SENTENCES[1], SENTENCES[3]
    audio = english_speech(first) + Pcm.silence(1500, 24000) + english_speech(second)
    result = await stt.transcribe_detailed(audio, language="en")
    assert word_error_rate(result.text, f"{first} {second}") <= 0.15
    assert result.segments
    assert "".join(segment.text for segment in result.segments).strip() == result.text
    for earlier, later in zip(result.segments, result.segments[1:], strict=False):
        assert earlier.end <= later.start
    for segment in result.segments:
        assert 0.0 <= segment.start < segment.end <= result.duration_s + 0.5
        assert segment.words == ()
    second_starts = english_speech(first).duration_ms / 1000
    assert any(abs(segment.start - second_starts) < 1.6 and "battery" in segment.text for segment in result.segments)


async def test_a_long_upload_reads_as_well_as_short_ones(stt: WhisperSTT) -> None:
    # 20 s of questions: longer than the short encoder windows of live turns, still under 28 s
    questions = [*SENTENCES, "How do I recycle a milk carton?", "Where does styrofoam go?"]
    audio = Pcm(b"", 24000)
    for question in questions:
        audio = audio + english_speech(question) + Pcm.silence(400, 24000)
    result = await stt.transcribe_detailed(audio, language="en")
    assert word_error_rate(result.text, " ".join(questions)) <= 0.08, result.text
    assert len(result.segments) >= len(questions) // 2


async def test_word_timestamps(stt: WhisperSTT) -> None:
    sentence = SENTENCES[3]
    result = await stt.transcribe_detailed(english_speech(sentence), language="en", word_timestamps=True)
    assert word_error_rate(result.text, sentence) <= 0.15
    for segment in result.segments:
        assert "".join(word.text for word in segment.words).strip() == segment.text.strip()
    words = [word for segment in result.segments for word in segment.words]
    assert len(words) == len(result.text.split())  # one timed word per word it heard
    for word in words:
        assert 0.0 <= word.start <= word.end <= result.duration_s + 0.5
    assert [word.start for word in words] == sorted(word.start for word in words)


async def test_stream_yields_the_segments_in_order(stt: WhisperSTT) -> None:
    first, second = SENTENCES[0], SENTENCES[4]
    audio = english_speech(first) + Pcm.silence(1500, 24000) + english_speech(second)
    segments = [segment async for segment in stt.stream(audio, language="en")]
    assert segments
    assert [segment.start for segment in segments] == sorted(segment.start for segment in segments)
    text = "".join(segment.text for segment in segments)
    assert word_error_rate(text, f"{first} {second}") <= 0.15


async def test_stream_of_silence_is_empty(stt: WhisperSTT) -> None:
    assert [segment async for segment in stt.stream(Pcm.silence(2000, 16000))] == []


async def test_concurrent_transcriptions_keep_their_own_audio(stt: WhisperSTT) -> None:
    sentences = SENTENCES[:4]
    results = await asyncio.gather(*(stt.transcribe(english_speech(s), language="en") for s in sentences))
    for sentence, result in zip(sentences, results, strict=True):
        assert word_error_rate(result.text, sentence) <= 0.25


async def test_region_tagged_language_is_accepted(stt: WhisperSTT) -> None:
    result = await stt.transcribe(korean_clip(), language="ko-KR")
    assert result.language == "ko"


async def test_unknown_language_is_a_typed_error(stt: WhisperSTT) -> None:
    with pytest.raises(EngineError) as caught:
        await stt.transcribe(english_speech(SENTENCES[0]), language="xx")
    assert caught.value.code == "unsupported_language"


async def test_half_sample_is_a_typed_error(stt: WhisperSTT) -> None:
    with pytest.raises(EngineError) as caught:
        await stt.transcribe(Pcm(b"\x00\x01\x02", 16000))
    assert caught.value.code == "invalid_audio"
