"""North Korean words found by their morphemes, northern endings, speech levels, and the learner's
sentence said the South Korean way."""

from __future__ import annotations

import pytest

from talkline.profiles.practice.endings import find_endings
from talkline.profiles.practice.glossary import glossary, north_korean_words, southernised
from talkline.profiles.practice.registers import utterance_level
from talkline.profiles.practice.rewrite import rewrite


@pytest.mark.parametrize(
    ("said", "words"),
    [
        ("안녕하십니까. 저 소젖 어디 있습네까?", ["소젖"]),
        ("꼬부랑 국수 있어요?", ["꼬부랑국수"]),  # a recogniser's space inside the word
        ("농마국수 같은 거 말하는 겁니다", ["농마국수"]),
        ("지짐이 하나하고 된장찌개 주세요", ["지짐이"]),
        ("단물 있어요?", ["단물"]),
        ("가슴띠 어디서 사요", ["가슴띠"]),
        ("그건 꽝포야", ["꽝포"]),
        ("후과가 클 거예요", ["후과"]),
        ("인민반 같은 거 여기도 있어요?", ["인민반"]),
        ("오징어볶음 하나 주세요", ["오징어"]),  # the swapped name is worth a note
        ("우리 안해가 아파요", ["안해"]),
        ("일없습니다", ["일없다"]),
        ("수표해 주세요", ["수표하다"]),
        ("록차 있어요?", ["록차"]),
        ("저금소에서 돈자리 여는 거 맞습네까", ["저금소", "돈자리"]),
        ("컵이 마사졌어요", ["마사지다"]),  # a verb, by its stem
        ("상황을 료해했습니다", ["료해하다"]),
        ("인차 가겠습니다", ["인차"]),
        ("어깨 마사지 받았어요", []),  # a massage
        # not North Korean at all, although the letters are there
        ("어제 숙제 안해가지고 혼났어", []),
        ("요즘 일없어서 집에만 있어", []),
        ("오늘은 일 없어요", []),
        ("수표 있어요?", []),
        ("이 주소 맞아요?", []),
        ("라디오 들어", []),
    ],
)
def test_north_korean_words_by_morphemes(said: str, words: list[str]) -> None:
    assert [entry.north for entry in north_korean_words(said)] == words


def test_every_noun_of_the_glossary_is_found_in_a_sentence() -> None:
    missed = [
        entry.north
        for entry in glossary()
        if entry.pos == "noun"
        and " " not in entry.north
        and entry.north not in {e.north for e in north_korean_words(f"{entry.north} 있어요?")}
    ]
    assert len(missed) <= len(glossary()) // 50, missed


def test_southernised_for_understanding_but_not_false_friends() -> None:
    assert southernised("꼬부랑국수 어디 있어요") == "라면 어디 있어요"
    assert southernised("오징어볶음 주세요") == "오징어볶음 주세요"


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("어디 있습네까?", [("bnikka", "있습니까")]),
        ("감사합네다", [("bnida", "감사합니다")]),
        ("일없수다", [("suda", "일없습니다")]),
        ("어디 있소?", [("hao", "있어요")]),
        ("좋소", [("hao", "좋아요")]),
        ("주시오", [("sio", "주세요")]),
        ("얼마요?", [("eolmayo", "얼마예요")]),
        ("여기 있슴다", [("seumda", "있습니다")]),
        ("리순옥이라고 함다", [("seumda", "합니다")]),
        ("왔슴둥?", [("seumdung", "왔습니까")]),
        ("알갔습니다", [("gat", "알겠습니다")]),
        ("주소 옮기려고", []),
        ("장소는 어디로", []),
        ("눈을 감다", []),
        ("수다 떨었어", []),
        ("학교에 갔습니다", []),
    ],
)
def test_northern_endings(said: str, found: list[tuple[str, str]]) -> None:
    assert [(ending.ending.id, ending.south_word) for ending in find_endings(said)] == found


@pytest.mark.parametrize(
    ("said", "level"),
    [
        ("예 맞습니다. 이거 얼마입니까?", "hapsyo"),
        ("우유요", "haeyo"),
        ("이거 얼마야?", "banmal"),
        ("카드로 할게", "banmal"),
        ("아 신분증 집에 두고 왔는데", "banmal"),
        ("얼마요?", "hao"),
        ("어디 있습네까?", "north"),
        ("일없수다", "north"),
        ("두 사람", None),
        ("010 3456 7788", None),
        ("bye", None),
    ],
)
def test_speech_levels(said: str, level: str | None) -> None:
    assert utterance_level(said) == level


@pytest.mark.parametrize(
    ("said", "register", "natural"),
    [
        ("안녕하십니까. 저 소젖 어디 있습네까?", "haeyo", "안녕하십니까. 저 우유 어디 있습니까?"),
        ("소젖이 어디 있어?", "haeyo", "우유가 어디 있어요?"),  # the particle follows the new word
        ("이거 얼마야?", "haeyo", "이거 얼마예요?"),
        ("그래 잘 있어", "haeyo", "네 안녕히 계세요"),
        ("도마도하고 둥글파 어디 있소?", "haeyo", "토마토하고 양파 어디 있어요?"),
        ("저는 영화 봐요", "banmal", "나는 영화 봐"),
        ("우유 어디 있어요?", "haeyo", None),
    ],
)
def test_the_learners_sentence_said_the_south_korean_way(
    said: str, register: str, natural: str | None
) -> None:
    result = rewrite(said, register)  # type: ignore[arg-type]
    assert (result.natural if result else None) == natural
