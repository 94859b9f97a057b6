"""Retrieval and the disposal lookup: synonyms, both languages, misheard words, follow-up details."""

from __future__ import annotations

import pytest

from talkline.profiles.base import Profile
from talkline.profiles.eco.disposal import DisposalGuide
from talkline.profiles.eco.evaluate import load_questions
from talkline.profiles.eco.knowledge import load_knowledge
from talkline.profiles.eco.retrieval import shared_index


@pytest.fixture(scope="module")
def guide(eco_profile: Profile) -> DisposalGuide:  # eco_profile: models already loaded
    return DisposalGuide(load_knowledge(), shared_index())


def top_item(guide: DisposalGuide, query: str) -> str:
    return guide.index.search(query)[0].target


@pytest.mark.parametrize(("words", "item"), [
    (["페트병", "생수병", "water bottle", "plastic water bottles"], "pet_bottle"),
    (["스티로폼 상자", "아이스박스", "styrofoam box"], "styrofoam_box"),
    (["건전지", "배터리", "used batteries"], "dry_battery"),
    (["쇼파", "소파", "couch"], "sofa"),
    (["음쓰", "음식물쓰레기", "food waste"], "food"),
])
def test_synonyms_colloquial_names_and_english_find_the_same_thing(guide: DisposalGuide, words: list[str],
                                                                     item: str) -> None:
    assert [top_item(guide, f"{word} 어떻게 버려요?") for word in words] == [item] * len(words)


@pytest.mark.parametrize(("misheard", "category"), [
    ("페투병 어떠케 버려여", "clear_pet"), ("건전기 어디에 버려요", "battery"), ("우유펙은 어떻게 해요", "paper_pack"),
    ("냉장거 버리려면", "electronics"), ("보조배타리 버리는 곳", "battery"), ("스치로폼 상자", "styrofoam"),
])
def test_words_misheard_by_speech_recognition_still_match(guide: DisposalGuide, misheard: str, category: str) -> None:
    result = guide.lookup(misheard, "ko")
    assert result["status"] == "answer"
    assert result["category"]["id"] == category


def test_the_thing_asked_about_outweighs_the_category_the_user_guesses(guide: DisposalGuide) -> None:
    receipt = guide.lookup("영수증은 종이류로 버려도 되나요?", "ko")
    assert receipt["category"]["id"] == "general" and receipt["not_in"]["id"] == "paper"
    assert receipt["verdict"] == "no" and receipt["asked"]["expected"] == ["paper"]
    assert receipt["answer"][0] == "아니요, 영수증은 종이류가 아니라 일반쓰레기예요."
    bones = guide.lookup("Are chicken bones food waste?", "en")
    assert bones["category"]["id"] == "general"
    assert bones["answer"][0] == "No, chicken bones don't go in food waste: they go in general waste."


def test_a_part_of_the_item_is_answered_as_a_detail_of_it(guide: DisposalGuide) -> None:
    cap = guide.lookup("페트병 뚜껑", "ko")
    assert cap["item"]["id"] == "pet_bottle" and cap["detail"]["kind"] == "cap"
    assert "닫아서" in cap["detail"]["answer"]
    label = guide.lookup("water bottle label", "en")
    assert label["item"]["id"] == "pet_bottle" and label["detail"]["kind"] == "label"


def test_a_name_that_already_says_the_condition_wins(guide: DisposalGuide) -> None:
    broken = guide.lookup("깨진 유리병은 어떻게 버려요?", "ko")
    assert broken["item"]["id"] == "broken_glass" and broken["category"]["id"] == "non_combustible"


def test_a_bare_ambiguous_word_gets_a_question_back(guide: DisposalGuide) -> None:
    bottle = guide.lookup("병 어떻게 버려요?", "ko")
    assert bottle["status"] == "clarify"
    assert {option["id"] for option in bottle["options"]} >= {"pet_bottle", "glass_drink_bottle"}
    assert bottle["question"].endswith("?") or "알려 주세요" in bottle["question"]
    assert guide.lookup("How do I throw away a cup?", "en")["status"] == "clarify"


@pytest.mark.parametrize("query", ["우주선은 어떻게 버려요?", "How do I dispose of a helicopter?", "안녕하세요",
                                   "부산은요?"])
def test_unknown_things_are_not_guessed(guide: DisposalGuide, query: str) -> None:
    result = guide.lookup(query, "ko")
    assert result["status"] == "unknown"
    assert "자료에 없어요" in result["message"]


def test_results_are_json_ready_with_a_summary_and_the_source(guide: DisposalGuide) -> None:
    result = guide.lookup("How do I recycle milk cartons?", "en")
    assert result["summary"] == "milk cartons → paper cartons"
    assert result["source"].startswith("Ministry of Environment")
    assert result["action"] == "Put milk cartons in the paper carton bin, apart from other paper."


def test_top1_category_accuracy_on_the_labelled_questions_is_at_least_90_percent(guide: DisposalGuide) -> None:
    labelled = [q for q in load_questions() if q.category and not q.before and not q.tool]
    assert len(labelled) >= 60
    correct = [guide.lookup(q.ask, q.lang).get("category", {}).get("id") == q.category for q in labelled]
    assert sum(correct) / len(correct) >= 0.9
