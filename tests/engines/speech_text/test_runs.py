"""A sentence's language, its runs in other scripts, and the front end's output per run."""

from __future__ import annotations

import pytest

from talkline.engines.speech_text import SpeechRun, speech_runs, spoken_text
from talkline.engines.speech_text.runs import dominant_language, host_language, split_runs


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Put it in a general-waste bag (종량제봉투).", "en"),
        ("PET 병은 어디에 버려요?", "ko"),
        ("Hello 안녕", "ko"),  # a tie goes to the script the English voice cannot read
        ("네, PET bottle은 분리배출해요", "ko"),
        ("これは何ですか", "ja"),
        ("你好", "zh"),
        ("12345!", None),
    ],
)
def test_the_dominant_language_is_that_of_most_words(text: str, language: str | None) -> None:
    assert dominant_language(text) == language


def test_an_explicit_language_wins_then_the_text_then_the_fallback() -> None:
    assert host_language("Hello", "ko") == "ko"
    assert host_language("Hello", None, "ko") == "en"
    assert host_language("12345", None, "ko") == "ko"
    assert host_language("12345") == "en"


@pytest.mark.parametrize(
    ("text", "host", "runs"),
    [
        ("Put it in a general-waste bag (종량제봉투) and tie it.", "en",
         [("en", "Put it in a general-waste bag"), ("ko", "종량제봉투"), ("en", "and tie it.")]),
        ("Use the 10리터 종량제봉투 for it.", "en", [("en", "Use the"), ("ko", "10리터 종량제봉투"), ("en", "for it.")]),
        ("Lamps go to the 형광등·전구 box.", "en", [("en", "Lamps go to the"), ("ko", "형광등 전구"), ("en", "box.")]),
        ("Ask for 종량제봉투.", "en", [("en", "Ask for"), ("ko", "종량제봉투")]),
        ("It is called ペットボトル in Japan.", "en",
         [("en", "It is called"), ("ja", "ペットボトル"), ("en", "in Japan.")]),
        ("PET 병은 재활용 (recyclable) 이에요.", "ko", [("ko", "PET 병은 재활용 (recyclable) 이에요.")]),
        ("Just English.", "en", [("en", "Just English.")]),
        ("  ", "en", []),
    ],
)  # fmt: skip
def test_latin_sentences_split_into_runs_per_script(text: str, host: str, runs: list[tuple[str, str]]) -> None:
    assert split_runs(text, host) == runs


def test_each_run_is_normalised_in_its_own_language() -> None:
    runs = speech_runs("Use a 10L bag (10리터 종량제봉투) and call 1599-0903.")
    assert runs == [
        SpeechRun("en", "Use a ten-liter bag", embedded=False),
        SpeechRun("ko", "십 리터 종량제봉투", embedded=True),
        SpeechRun("en", "and call one five nine nine, oh nine oh three.", embedded=False),
    ]


def test_a_korean_sentence_is_one_run_in_korean() -> None:
    assert speech_runs("전화 1599-0903으로 예약하시고, 수수료는 15,000원이에요.") == [
        SpeechRun("ko", "전화 일오구구, 공구공삼으로 예약하시고, 수수료는 만 오천 원이에요.", embedded=False)
    ]


def test_spoken_text_keeps_the_sentence_whole_for_voices_that_speak_everything() -> None:
    assert spoken_text("A 10L bag (10리터 종량제봉투) costs 1,000원.") == (
        "A ten-liter bag (십 리터 종량제봉투) costs one thousand won."
    )
    assert spoken_text("3 apples", language="ko") == "삼 apples"  # the language asked for decides
    assert spoken_text("Bonjour 3", language="fr") == "Bonjour 3"  # other voices read their own numbers


def test_no_text_no_runs() -> None:
    assert speech_runs("") == []
    assert speech_runs(" \n ") == []
    assert speech_runs("The bag: (종량제봉투)") == [
        SpeechRun("en", "The bag", False), SpeechRun("ko", "종량제봉투", True)]  # nothing left to say after it
