"""Understanding questions as residents ask them, and answers for the ear (issue 11, requirements 1, 2, 4)."""

from __future__ import annotations

import re

import pytest

from talkline.profiles.base import Profile
from talkline.profiles.eco.answers import sentences
from talkline.profiles.eco.disposal import DisposalGuide
from talkline.profiles.eco.knowledge import load_knowledge
from talkline.profiles.eco.names import NameMatcher, shared_matcher
from talkline.profiles.eco.question import DRAIN, RECYCLABLE, read_question
from talkline.profiles.eco.services import shared_guide


@pytest.fixture(scope="module")
def guide(eco_profile: Profile) -> DisposalGuide:  # eco_profile: models and indexes already built
    return shared_guide()


@pytest.fixture(scope="module")
def matcher() -> NameMatcher:
    return shared_matcher()


def items_named(matcher: NameMatcher, text: str) -> list[str]:
    return [m.target for m in matcher.find(text) if m.kind == "item"]


@pytest.mark.parametrize("text", ["귤 껍질은 음쓰야?", "귤껍질은 음쓰야?", "귤 껍데기 음쓰야?", "귤껍질음쓰야?"])
def test_names_match_whatever_the_spacing_and_particles(matcher: NameMatcher, text: str) -> None:
    assert items_named(matcher, text) == ["tangerine_peel"]


@pytest.mark.parametrize(("text", "item"), [
    ("스치로폼 상자 버리는 법", "styrofoam_box"), ("쇼파 버리려고", "sofa"), ("후라이팬 어디 버려", "pot_pan"),
    ("패트병 어디에", "pet_bottle"), ("밧데리 어디 버려", "dry_battery"), ("다쓴건전지 어디", "dry_battery"),
])
def test_common_misspellings_and_run_together_words_are_known(matcher: NameMatcher, text: str, item: str) -> None:
    assert items_named(matcher, text) == [item]


def test_a_one_syllable_name_is_a_whole_word(matcher: NameMatcher) -> None:
    assert items_named(matcher, "약 버리는 곳") == ["medicine"]
    assert "medicine" not in items_named(matcher, "폐식용유 약간 남았는데")  # 약간 is "a little", not 약


def test_english_names_match_by_word_stems_and_can_is_not_always_a_can(matcher: NameMatcher) -> None:
    assert items_named(matcher, "And what about a pizza box?") == ["pizza_box"]
    assert items_named(matcher, "Where can I drop off expired medicine?") == ["medicine"]
    assert items_named(matcher, "Can aluminium foil be recycled?") == ["aluminium_foil"]


def test_longer_names_and_conditions_win_and_names_stop_at_punctuation(matcher: NameMatcher) -> None:
    assert items_named(matcher, "고기 구워 먹고 남은 기름 어떻게 버려?") == ["meat_fat"]
    assert items_named(matcher, "컵라면 뚜껑은?") == ["cup_noodle_lid"]
    found = matcher.find("휴대폰, 배터리 안 빼도 돼?")
    assert [m.target for m in found if m.kind == "item"] == ["mobile_phone"]
    assert [m.target for m in found if m.kind == "detail"] == ["battery_inside"]


@pytest.mark.parametrize(("text", "lang", "yes_no", "denied", "claims"), [
    ("귤 껍질은 음식물 쓰레기 맞죠?", "ko", True, False, ("food",)),
    ("조개 껍데기 음식물 아니지?", "ko", True, True, ("food",)),
    ("볼펜은 재활용 안 되지?", "ko", True, True, (RECYCLABLE,)),
    ("배달 용기 그냥 버려도 돼?", "ko", True, False, ("general",)),
    ("농약 남은 거 하수구에 버려도 돼?", "ko", True, False, (DRAIN,)),
    ("우유팩 분리배출 방법 알려주세요", "ko", False, False, (RECYCLABLE,)),
    ("Is an egg carton paper or plastic?", "en", False, False, ("paper", "plastic")),
    ("My takeout container is stained, is it still recyclable?", "en", True, False, (RECYCLABLE,)),
    ("Where can I drop off expired medicine?", "en", False, False, ()),
])
def test_yes_no_questions_and_the_bin_the_asker_expects(matcher: NameMatcher, text: str, lang: str, yes_no: bool,
                                                        denied: bool, claims: tuple[str, ...]) -> None:
    mentions = matcher.find(text)
    items = [m for m in mentions if m.kind == "item"]
    asked = read_question(text, mentions, items[0] if items else None, load_knowledge(), lang)  # type: ignore[arg-type]
    assert (asked.yes_no, asked.denied, asked.claims) == (yes_no, denied, claims)


@pytest.mark.parametrize(("query", "lang", "first"), [
    ("귤 껍질은 음식물 쓰레기 맞죠?", "ko", "네, 귤 껍질은 음식물쓰레기예요."),
    ("조개 껍데기 음식물로 버려도 돼?", "ko", "아니요, 조개 껍데기는 음식물쓰레기가 아니라 일반쓰레기예요."),
    ("조개 껍데기 음식물 아니지?", "ko", "네, 조개 껍데기는 음식물쓰레기가 아니라 일반쓰레기예요."),
    ("우유팩 종이로 버려도 돼?", "ko", "아니요, 우유팩은 종이류가 아니라 종이팩이에요."),
    ("계란판은 종이야?", "ko", "네, 계란판은 대부분 종이류예요."),
    ("Are tangerine peels food waste?", "en", "Yes, tangerine peels go in food waste."),
    ("Is a toothbrush recyclable?", "en", "No, the toothbrush isn't recyclable: it goes in general waste."),
])
def test_a_yes_no_question_is_answered_yes_or_no_first(guide: DisposalGuide, query: str, lang: str, first: str) -> None:
    assert guide.lookup(query, lang)["answer"][0] == first  # type: ignore[arg-type]


@pytest.mark.parametrize(("query", "item", "category", "words"), [
    ("폐식용유 어떻게 버려요", "cooking_oil", "general", ["조금이면", "많으면", "폐식용유 수거함"]),
    ("폐식용유 조금 남았는데", "cooking_oil", "general", ["키친타월", "종량제봉투"]),
    ("식용유 한 통 버려야 돼요", "cooking_oil", "hazardous", ["폐식용유 수거함"]),
    ("피자박스 기름 묻었는데 종이로 버려도 돼?", "pizza_box", "general", ["아니요", "종량제봉투"]),
    ("피자 박스 어떻게 버려?", "pizza_box", "paper", ["종이류", "기름이 밴"]),
    ("빨간 물 든 배달 용기 어떡해", "dirty_delivery_container", "general", ["종량제봉투"]),
    ("배달 용기 그냥 버려도 돼?", "plastic_container", "plastic", ["아니요", "헹궈"]),
    ("화분 흙은 어디다 버려요", "potting_soil", "non_combustible", ["불연성"]),
    ("컵라면 뚜껑은?", "cup_noodle_lid", "general", ["종량제봉투"]),
    ("전자담배 버리는 법", "ecig_device", "electronics", ["배터리", "소형 폐가전"]),
    ("How do I dispose of used cooking oil?", "cooking_oil", "general", ["paper towels", "used-oil bin"]),
    ("Where can I drop off expired medicine?", "medicine", "hazardous", ["pharmacy"]),
])
def test_conditions_and_the_issues_cases_are_answered(guide: DisposalGuide, query: str, item: str, category: str,
                                                      words: list[str]) -> None:
    lang = "en" if query.isascii() else "ko"
    result = guide.lookup(query, lang)  # type: ignore[arg-type]
    spoken = " ".join(result["answer"])
    assert result["item"]["id"] == item and result["category"]["id"] == category, spoken
    assert all(word in spoken for word in words), spoken


def test_the_first_sentence_says_where_it_goes_not_where_it_does_not(guide: DisposalGuide) -> None:
    umbrella = guide.lookup("우산 버리려면", "ko")["answer"]
    assert umbrella[0] == "우산은 일반 종량제봉투에 버리세요."


def test_every_item_answer_is_short_repeats_nothing_and_reads_no_url(guide: DisposalGuide) -> None:
    kb = load_knowledge()
    for item in kb:
        for lang in ("ko", "en"):
            answer = guide.lookup(item.name(lang), lang)["answer"]  # type: ignore[arg-type]
            spoken = [s for line in answer for s in sentences(line)]
            assert 1 <= len(spoken) <= 3, (item.id, lang, answer)
            assert len(set(spoken)) == len(spoken), (item.id, answer)
            assert not re.search(r"\w+\.(or\.kr|com|kr)\b|https?://", " ".join(spoken)), (item.id, answer)


def test_appliance_answers_keep_the_service_for_the_card(guide: DisposalGuide) -> None:
    fridge = guide.lookup("냉장고 버리는데 돈 들어?", "ko")
    assert "1599-0903" in " ".join(fridge["answer"]) and "or.kr" not in " ".join(fridge["answer"])
    assert fridge["service"] == {"name": "폐가전 무상 방문수거", "phone": "1599-0903", "url": "https://15990903.or.kr"}


def test_two_items_asked_together_get_a_sentence_each(guide: DisposalGuide) -> None:
    result = guide.lookup("택배 뽁뽁이랑 박스 어케 버려", "ko")
    assert result["answer"] == ["뽁뽁이는 비닐류로 분리배출하세요.", "박스는 종이류로 분리배출하세요."]
    assert result["item"]["id"] == "bubble_wrap" and result["also"]["item"]["id"] == "cardboard_box"
