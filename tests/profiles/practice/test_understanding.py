"""How the partner hears a turn: by sound (recognition errors, typos, spacing), numbers as said in
Korean, names, addresses, yes and no as the question makes them, and which answer is meant."""

from __future__ import annotations

import pytest

from talkline.profiles.practice.catalog import scenario, setup_for
from talkline.profiles.practice.matching import utterance
from talkline.profiles.practice.numbers import birth_date, people_count, phone_number
from talkline.profiles.practice.slots import extract, person_name, polarity, street_address
from talkline.profiles.practice.understanding import asked_word, understand


@pytest.mark.parametrize(
    ("said", "phrase"),
    [
        ("우유 어디 이써요", "있어요"),
        ("네 마자요", "맞아요"),
        ("봉투 피료 업써요", "필요 없"),
        ("안녕히 게세요", "안녕히 계세요"),
        ("김치지개 두 개 주세요", "김치찌개"),
        ("카드로 할께요", "할게"),
        ("오늘 조아요", "좋아"),
        ("다 눌러써요", "눌렀"),
        ("체크 카드가 머예요", "체크카드"),
        ("전입 신 고 할려고요", "전입신고"),
        ("물이면 돼요", "물"),
        ("card로 할게요", "card"),
    ],
)
def test_phrases_are_found_by_sound(said: str, phrase: str) -> None:
    assert utterance(said).find(phrase) is not None


@pytest.mark.parametrize(
    ("said", "phrase"),
    [
        ("안녕하세요", "안녕히 계세요"),
        ("카드로 하겠습니다", "끊겠습니다"),
        ("물냉면 주세요", "물"),
        ("어디 가요", "네"),
        ("no thank you", "no thanks"),
        ("럭짜 있어요?", "잘 있어"),  # a phrase of several words starts at a word, even garbled
        ("물냉면 주쎄효", "주스"),  # 주쎄효 is 주세요 garbled: as close to a word the partner knows
    ],
)
def test_close_is_not_the_same(said: str, phrase: str) -> None:
    assert utterance(said).find(phrase, fuzzy=True) is None


@pytest.mark.parametrize(
    ("said", "count"),
    [
        ("두 사람입니다", 2),
        ("저 혼자요", 1),
        ("셋이요 아니 네 명이요", 4),
        ("우리 식구 다섯이요", 5),
        ("둘이 왔어요", 2),
        ("3명이요", 3),
        ("table for two", 2),
        ("Two, please.", 2),
        ("열이 나요", None),
    ],
)
def test_people_are_counted_as_koreans_count(said: str, count: int | None) -> None:
    assert people_count(said) == count


@pytest.mark.parametrize(
    ("said", "date"),
    [
        ("김영남이고 1985년 7월 14일생입니다", "1985-07-14"),
        ("구십년 삼월 오일이요", "1990-03-05"),
        ("정은희 구육년 십일월 이십일일", "1996-11-21"),
        ("천구백구십 년 시월 십일", "1990-10-10"),
        ("900305", "1990-03-05"),
        ("born on the fifth of March 1990", "1990-03-05"),
        ("한국에 온 지 삼 년 됐습니다", None),
    ],
)
def test_dates_of_birth_said_every_way(said: str, date: str | None) -> None:
    assert birth_date(said) == date


@pytest.mark.parametrize(
    ("said", "number"),
    [
        ("내 번호는 공일공 사칠팔구 일이삼사야", "01047891234"),
        ("010-2233-4455입니다", "01022334455"),
        ("공일공에 칠칠칠칠에 팔팔팔팔", "01077778888"),
        ("공일공 구팔칠육 오사삼이요", "0109876543"),
        ("이거 삼천 원이에요", None),
    ],
)
def test_phone_numbers_in_digits_and_in_words(said: str, number: str | None) -> None:
    assert phone_number(said) == number


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("안녕 나는 김은별이야", "김은별"),
        ("내 이름은 리순옥이라고 함다", "리순옥"),
        ("어... 나는... 영철", "영철"),
        ("반가워 난 지혜라고 해", "지혜"),
        ("정은희 구육년 십일월 이십일일", "정은희"),
        ("제 이름은 한정희예요", "한정희"),
        ("저는 집에서 영화 봐요", None),
        ("잠깐만요", None),
        ("안녕, 나 영호야", "영호"),
        ("주말에 같이 밥 먹을래?", None),  # 주 is a surname, 주말에 a word with its particle
        ("김영은이에요", "김영은"),
        ("나 지금 바빠", None),
    ],
)
def test_names(said: str, name: str | None) -> None:
    assert person_name(said) == name


def test_addresses_korean_style_and_not_ordinary_words() -> None:
    assert (
        street_address("서울시 노원구 상계동 한빛아파트 105동 1203호입니다")
        == "서울시 노원구 상계동 한빛아파트 105동 1203호"
    )
    assert street_address("서울 강서구 화곡동 56 다시 2 요") == "서울 강서구 화곡동 56-2"
    assert street_address("운동하러 동네 가요") is None and street_address("주소요? 잠깐만요") is None


@pytest.mark.parametrize(
    ("scenario_id", "slot_id", "said", "answer"),
    [
        ("mart", "bag", "네 괜찮아요", "no"),  # an offer: 괜찮아요 declines it
        ("mart", "bag", "일없습니다", "no"),  # the northern "no, thanks"
        ("mart", "bag", "아니요 장바구니 가져왔어요", "no"),
        ("mart", "bag", "예 봉투 주십시오", "yes"),
        ("friend", "accept", "아니 안 좋아. 요즘 너무 바빠서", "no"),
        ("friend", "accept", "음 생각해 볼게", "no"),
        ("friend", "accept", "일없수다. 차 좋지요", "yes"),
        ("bank", "id", "아 신분증 집에 두고 왔는데", "no"),
        ("bank", "id", "공민증 말고 이거 주민등록증 있어요", "yes"),
        ("directions", "understood", "네 문제없어요", "yes"),
        ("directions", "understood", "아 그냥 됐어요. 제가 찾아볼게요", "no"),
    ],
)
def test_yes_and_no_as_the_question_makes_them(
    scenario_id: str, slot_id: str, said: str, answer: str
) -> None:
    slot = scenario(scenario_id).slot(slot_id)
    assert polarity(slot, utterance(said)) == answer


@pytest.mark.parametrize(
    ("scenario_id", "slot_id", "said", "value"),
    [
        (
            "mart",
            "item",
            "남새 코너는 어딥니까? 가두배추 사려구요",
            "cabbage",
        ),  # the specific thing, not the section
        ("mart", "item", "우유 말고 두부요", "tofu"),
        ("restaurant", "dish", "김치찌개는 말고 된장찌개요", "doenjang_stew"),
        ("hospital", "time", "오전은 안 되고 오후 세 시 괜찮아요", "tomorrow_15"),
        ("directions", "way", "택시 타면 얼마예요?", None),  # an "if", not a choice
        ("directions", "place", "주민센터 가려면 어떻게 가요?", "community_centre"),
        ("hospital", "symptom", "돌림감기 같은데요", "flu"),
        ("mart", "item", "김 어디 있어요?", "other"),  # not on the list: still taken
    ],
)
def test_the_value_meant(scenario_id: str, slot_id: str, said: str, value: str | None) -> None:
    answer = extract(scenario(scenario_id).slot(slot_id), utterance(said))
    assert (answer.value if answer else None) == value


@pytest.mark.parametrize(
    ("said", "word"),
    [
        ("사거리가 뭐예요?", "사거리"),
        ("네 이거예요. 근데 통로가 뭐예요?", "통로"),
        ("체크 카드가 머예요", "체크 카드"),
        ("물냉면하고 비빔냉면이 뭐가 달라요?", "비빔냉면"),
        ("what is a debit card?", "debit card"),
        ("이거 얼마예요?", None),
    ],
)
def test_the_word_asked_about(said: str, word: str | None) -> None:
    assert asked_word(said) == word


def turn(scenario_id: str, step: int, said: str, persona: str | None = None):  # type: ignore[no-untyped-def]
    setup = setup_for({"scenario": scenario_id, **({"persona": persona} if persona else {})}, "ko")
    steps = setup.scenario.steps
    return understand(said, setup, steps[step], steps[step + 1] if step + 1 < len(steps) else None, {}, False)


def test_a_turn_that_answers_and_asks() -> None:
    analysis = turn("mart", 1, "네 마자요 이거 얼마에요")
    assert analysis.slots["confirm"].value == "yes" and analysis.question.fact.id == "price"  # type: ignore[union-attr]


def test_an_answer_and_the_next_one_in_one_breath() -> None:
    analysis = turn("hospital", 0, "저 이가 아파서 전화했어요")
    assert {k: v.value for k, v in analysis.slots.items()} == {"visit": "book", "symptom": "toothache"}


def test_asking_what_a_word_means_does_not_answer_with_it() -> None:
    assert turn("friend", 3, "카톡이 뭐야?", "saerom").slots == {}
    assert turn("restaurant", 1, "물냉면하고 비빔냉면이 뭐가 달라요?").slots == {}


def test_north_korean_words_are_heard_as_their_meaning() -> None:
    analysis = turn("bank", 0, "저금소에서 돈자리 여는 거 맞습네까")
    assert analysis.slots["task"].value == "open_account"
    assert [found.entry.north for found in analysis.north_words] == ["저금소", "돈자리"]
    assert [found.ending.id for found in analysis.endings] == ["bnikka"]


def test_social_acts() -> None:
    assert "origin" in turn("friend", 1, "나 사실 북에서 왔어. 괜찮아?", "saerom").acts
    assert "origin" in turn("interview", 0, "함경북도 청진에서 왔고 한국에 온 지 삼 년 됐습니다").acts
    assert "repeat" in turn("mart", 1, "네?").acts and "repeat" not in turn("mart", 1, "네").acts
    assert "goodbye" in turn("mart", 1, "너무 비싸네. 그냥 안 살래요. 안녕히 계세요").acts
    assert "goodbye" not in turn("bank", 0, "안녕하세요 계좌 개설하러 왔어요").acts
    assert turn("friend", 1, "너는 주말에 뭐 해?", "saerom").question.topic.id == "weekend"  # type: ignore[union-attr]
