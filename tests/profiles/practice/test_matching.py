"""Fuzzy intent matching: near misses of speech recognition match, unrelated speech does not."""

from __future__ import annotations

import pytest

from talkline.profiles.practice.catalog import common, scenario
from talkline.profiles.practice.matching import best_match, jamo, plain_english, resembles
from talkline.profiles.practice.models import Intent
from talkline.profiles.practice.speech_level import speech_level


def step_intents(scenario_id: str, step: int) -> tuple[Intent, ...]:
    return (*scenario(scenario_id).steps[step].intents, *common().intents)


def matched(text: str, scenario_id: str, step: int) -> str | None:
    match = best_match(text, step_intents(scenario_id, step))
    return match.intent.id if match else None


def test_jamo_splits_syllables_into_letters() -> None:
    assert jamo("김치 찌개!") == "\u1100\u1175\u11b7\u110e\u1175\u110d\u1175\u1100\u1162"
    assert jamo("Table for TWO") == "tablefortwo"


def test_plain_english_keeps_words_and_apostrophes() -> None:
    assert plain_english("I’m   done. Thanks!") == "i'm done thanks"


@pytest.mark.parametrize(("heard", "scenario_id", "step", "intent"), [
    ("김치지개 하나 주세요", "restaurant", 1, "order_food"),   # ㅉ heard as ㅈ
    ("저닙신고 하러 와써요", "community_centre", 0, "register_move"),  # written as pronounced
    ("물류 이를 배우고 시퍼서 지원핻습니다", "interview", 1, "reason"),
    ("잘 머것습니다 계산해 주세요", "restaurant", 3, "meal_done"),
    ("거러서 얼마나 걸려요", "directions", 1, "how_long"),
    ("다 눌러써요", "bank", 3, "pin_done"),
])
def test_near_misses_of_speech_recognition_still_match(heard: str, scenario_id: str, step: int, intent: str) -> None:
    assert matched(heard, scenario_id, step) == intent


def test_short_keywords_must_match_exactly() -> None:
    # 기침 (a cough) and 김치 share most letters; a short keyword never matches fuzzily
    assert matched("김치가 먹고 싶네", "hospital", 1) is None
    assert matched("기침이 나요", "hospital", 1) == "describe"


def test_one_syllable_keywords_match_only_as_words() -> None:
    assert matched("네", "bank", 2) == "want_card"
    assert matched("그네를 탔어요", "bank", 2) is None  # the 네 inside 그네 (a swing) is not a yes


def test_a_short_utterance_does_not_match_a_longer_keyword() -> None:
    assert matched("음", "friend", 2) is None  # inside 다음에, but that is not what was said


def test_english_keywords_match_whole_words() -> None:
    assert matched("By card, please.", "mart", 2) == "card"
    assert matched("I know", "restaurant", 2) is None  # "no" is not in "know"
    assert matched("No.", "restaurant", 2) == "no_drink"


def test_the_more_specific_keyword_wins() -> None:
    assert matched("아니요, 괜찮아요", "mart", 3) == "no_bag"
    assert matched("다시 말해 주세요", "mart", 3) == "repeat"  # not a request for a bag (주세요)
    assert matched("궁금한 건 없습니다", "interview", 3) == "no_question"


@pytest.mark.parametrize("unrelated", [
    "오늘 날씨가 참 좋네요", "어제 텔레비전을 봤어요", "우리 강아지는 귀여워요", "학교에 다녀왔습니다",
    "The weather is nice today", "My dog is cute", "음", "그게 말이죠", "",
])
def test_unrelated_speech_matches_no_step(unrelated: str) -> None:
    for chosen in ("mart", "restaurant", "hospital", "bank", "community_centre", "interview", "directions"):
        for step in range(len(scenario(chosen).steps)):
            assert matched(unrelated, chosen, step) is None, (chosen, step)


def test_resembles_finds_an_expression_in_a_sentence() -> None:
    assert resembles("영수증 주세요.", "아, 그리고 영수증도 주세요")
    assert resembles("How much is this?", "Excuse me, how much is this one?")
    assert not resembles("영수증 주세요.", "봉투 하나 주세요")


@pytest.mark.parametrize(("sentence", "level"), [
    ("감사합니다", "polite"), ("이거 얼마예요?", "polite"), ("네", "polite"), ("맞죠?", "polite"),
    ("이거 얼마야?", "casual"), ("응", "casual"), ("카드로 할게", "casual"), ("하나 줘.", "casual"),
    ("일없어요, 이거 얼마야?", "casual"), ("김하나", None), ("Thank you", None),
])
def test_speech_level_of_a_sentence(sentence: str, level: str | None) -> None:
    assert speech_level(sentence) == level
