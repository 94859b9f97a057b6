"""The North/South Korean glossary and finding North Korean words in what the user said."""

from __future__ import annotations

import re

import pytest

from talkline.profiles.practice import glossary, north_korean_words
from talkline.profiles.practice.glossary import GlossaryEntry

HANGUL_ONLY = re.compile(r"^[가-힣 ]+$")


def test_the_glossary_has_over_a_hundred_distinct_pairs_with_english_glosses() -> None:
    entries = glossary()
    assert len(entries) >= 100
    assert len({entry.north for entry in entries}) == len(entries)
    for entry in entries:
        assert HANGUL_ONLY.match(entry.north) and HANGUL_ONLY.match(entry.south), entry
        assert entry.north != entry.south
        assert re.search(r"[a-z]", entry.english) and not re.search(r"[가-힣]", entry.english), entry


@pytest.mark.parametrize(("north", "south"), [
    ("꼬부랑국수", "라면"), ("얼음보숭이", "아이스크림"), ("일없다", "괜찮다"), ("손전화", "휴대폰"),
    ("닭알", "달걀"), ("동무", "친구"), ("가락지빵", "도넛"), ("위생실", "화장실"), ("돈자리", "계좌"),
    ("공민증", "주민등록증"), ("리력서", "이력서"), ("건늠길", "횡단보도"),
])
def test_well_known_pairs(north: str, south: str) -> None:
    assert {entry.north: entry.south for entry in glossary()}[north] == south


@pytest.mark.parametrize("entry", glossary(), ids=lambda e: e.north)
def test_every_entry_is_found_in_a_sentence(entry: GlossaryEntry) -> None:
    sentence = f"그러니까 {entry.spellings[0]}요, 그거 말이에요"
    assert entry in north_korean_words(sentence)


def test_compounds_split_by_the_recogniser_are_still_found() -> None:
    found = north_korean_words("꼬부랑 국수 하나랑 얼음 보숭이 주세요")
    assert [entry.south for entry in found] == ["라면", "아이스크림"]


def test_verbs_are_found_in_their_conjugated_forms() -> None:
    assert [e.south for e in north_korean_words("일없습니다")] == ["괜찮다"]
    assert [e.south for e in north_korean_words("여기 수표해 주세요")] == ["서명하다"]
    assert [e.south for e in north_korean_words("여기가 더 눅어요")] == ["싸다"]


@pytest.mark.parametrize("south_korean", [
    "할 일 없어요", "할일없이 놀았어요", "방조제를 보러 갔어요", "숙제 안해요", "괜찮아요, 라면 주세요",
    "우유랑 달걀 주세요", "지하철역이 어디예요?", "휴대폰 번호 알려 드릴게요", "이력서를 가져왔어요",
    "생선 좀 주세요", "체험학습장에 갔어요", "자원봉사원으로 일했어요", "수표로 계산할게요", "내일 오전 10시에 갈게요",
    "저는 성실하고 책임감이 강합니다", "친구랑 같이 영화 봤어", "전입신고 하러 왔어요",
])
def test_ordinary_south_korean_is_not_flagged(south_korean: str) -> None:
    assert north_korean_words(south_korean) == []
