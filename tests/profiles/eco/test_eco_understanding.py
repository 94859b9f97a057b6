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
    _first_sentence_is(guide, query, lang, first)


def _first_sentence_is(guide: DisposalGuide, query: str, lang: str, first: str) -> None:
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


@pytest.mark.parametrize(("query", "lang", "first"), [
    ("냉장고 버리는 것도 돈 내야 돼?", "ko", "아니요, 냉장고는 버리는 데 돈이 들지 않아요."),
    ("소파 무료로 버릴 수 있어?", "ko", "아니요, 소파는 배출 수수료를 내야 해요."),
    ("Is fridge pickup free?", "en", "Yes, getting rid of the fridge costs nothing."),
    ("택배박스에 붙은 송장 떼야 돼?", "ko", "네, 택배박스 테이프와 운송장은 종이가 아니라서 떼어서 일반쓰레기로 버리세요."),
    ("택배 스티로폼 테이프 붙은 거 그냥 내놔도 돼?", "ko", "아니요, 택배 스티로폼은 테이프, 운송장, 스티커를 다 떼어야 재활용이 돼요."),
    ("볼펜 재활용돼?", "ko", "아니요, 볼펜은 여러 재질이 섞여 있어서 재활용이 안 돼요."),
    ("와인병 라벨 떼야 돼?", "ko", "아니요, 와인병 종이 라벨은 그대로 두어도 괜찮아요."),
    ("깨진 소주병 유리병으로 버려도 돼?", "ko", "아니요, 소주병 깨진 병은 보증금을 돌려받을 수 없고 유리병 수거함에도 넣으면 안 돼요."),
    ("깨진 와인병 유리병에 버려도 돼?", "ko", "아니요, 깨진 유리병은 유리병 수거함에 넣으면 안 돼요."),
])
def test_fees_steps_and_just_putting_it_out_are_answered_yes_or_no_first(guide: DisposalGuide, query: str, lang: str,
                                                                          first: str) -> None:
    _first_sentence_is(guide, query, lang, first)


@pytest.mark.parametrize(("query", "item", "category", "words"), [
    ("소주병 깨진 건 어떡해", "deposit_bottle", "non_combustible", ["보증금", "신문지"]),
    ("수은 온도계 깨졌어", "mercury_item", "hazardous", ["유해폐기물 수거함"]),
    ("카드 유효기간 지난 거 어떻게 버려", "plastic_card", "general", ["잘라서"]),
    ("세탁소 철사 옷걸이 어디다 버려", "scrap_metal", "metal", ["철사 옷걸이", "묶고"]),
    ("과일 싸는 스티로폼 그물 어디로", "fruit_foam_net", "styrofoam", ["스티로폼 그물"]),
    ("What about styrofoam from a delivery box?", "styrofoam_box", "styrofoam", ["tape"]),
    ("my coffee mug broke, where does ceramic go", "ceramic", "non_combustible", ["newspaper"]),
    ("Where do I throw out leftover pills?", "medicine", "hazardous", ["pharmacy"]),
    ("페트병 라벨 안 떼지면 어떡해?", "pet_bottle", "clear_pet", ["잘라", "플라스틱류"]),
])
def test_blind_set_items_and_conditions_are_answered(guide: DisposalGuide, query: str, item: str, category: str,
                                                     words: list[str]) -> None:
    lang = "en" if query.isascii() else "ko"
    result = guide.lookup(query, lang)  # type: ignore[arg-type]
    spoken = " ".join(result["answer"])
    assert result["item"]["id"] == item and result["category"]["id"] == category, spoken
    assert all(word in spoken for word in words), spoken


def test_answers_for_the_ear_say_acronyms_and_warnings_once(guide: DisposalGuide) -> None:
    assert guide.lookup("cd 어떻게 버려요", "ko")["answer"][0].startswith("CD는")
    oil = " ".join(guide.lookup("튀김하고 남은 기름 하수구에 부어도 돼?", "ko")["answer"])
    assert oil.startswith("아니요") and oil.count("싱크대") == 1, oil
    litter = guide.lookup("how do i throw away cat litter", "en")["answer"]
    assert litter[1] == "Tie it up with the waste in a bag.", litter
