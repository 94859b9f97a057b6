"""Words whose pronunciation spelling and morphemes do not show: compounds Kiwi keeps whole, the
사이시옷 that is heard but not written (제28항), and the exceptions 표준 발음법 names.

Patterns, syllable for syllable with the word:
  '+'  a content morpheme starts at the next syllable (compound: 제15항 and ㄴ insertion, 제29항, apply)
  '*'  the next syllable's onset is tensified (등불 [등뿔])
  '%'  an onset ㄹ after ㄴ is read ㄴ (제20항 다만: 공권력 [공꿘녁])
Syllables with no '+' between them are one morpheme, whatever Kiwi found (맛있다 [마싣따], 송별연 [송벼련]).
A syllable written differently from the word is a respelling (대관령 [대괄령]); respell only where the last
syllable's coda does not change, or the rules after it would see the wrong consonant.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from talkline.engines.speech_text.pronounce.hangul import Syllable
from talkline.engines.speech_text.pronounce.units import Gap, Morpheme, Unit

ENTRIES: Mapping[str, str] = {
    # compounds whose second part starts with 이/야/여/요/유: ㄴ insertion (제29항)
    "솜이불": "솜+이불", "홑이불": "홑+이불", "꽃잎": "꽃+잎", "솔잎": "솔+잎", "색연필": "색+연필",
    "식용유": "식용+유", "휘발유": "휘발+유", "물약": "물+약", "서울역": "서울+역", "담요": "담+요",
    "한여름": "한+여름", "맨입": "맨+입", "막일": "막+일", "늑막염": "늑막+염", "내복약": "내복+약",
    "눈요기": "눈+요기", "콩엿": "콩+엿", "물엿": "물+엿", "들일": "들+일", "불여우": "불+여우",
    "백분율": "백분+율", "직행열차": "직행+열차", "신여성": "신+여성", "겉옷": "겉+옷",
    # no ㄴ insertion, or liaison as within one word
    "송별연": "송별연", "맛있": "맛있", "멋있": "멋있", "첫인상": "처딘상",
    # 사이시옷 heard, not written (제28항)
    "등불": "등*불", "물병": "물*병", "페트병": "페트*병", "유리병": "유리*병", "생수병": "생수*병",
    "맥주병": "맥주*병", "소주병": "소주*병", "술병": "술*병", "우유갑": "우유*갑", "물가": "물*가",
    "길가": "길*가", "강가": "강*가", "손가락": "손*가락", "발가락": "발*가락", "발바닥": "발*바닥",
    "술잔": "술*잔", "눈동자": "눈*동자", "문고리": "문*고리", "그믐달": "그믐*달", "초승달": "초승*달",
    "보름달": "보름*달", "아침밥": "아침*밥", "비빔밥": "비빔*밥", "장바구니": "장*바구니",
    "줄넘기": "줄넘*기", "물속": "물*속", "술집": "술*집", "글자": "글*자", "발자국": "발*자국",
    "산새": "산*새", "손재주": "손*재주", "창살": "창*살", "강줄기": "강*줄기", "바람결": "바람*결",
    "신바람": "신*바람", "물동이": "물*동이", "굴속": "굴*속", "산길": "산*길", "밤길": "밤*길",
    "봄비": "봄*비", "용돈": "용*돈", "안방": "안*방", "공권력": "공*권%력", "물기": "물*기",
    "기름기": "기름*기", "소금기": "소금*기", "윤기": "윤*기", "장난기": "장난*기",
    # ㄴ+ㄹ read [ㄹㄹ] where the suffix heuristic would say [ㄴㄴ]
    "대관령": "대괄령",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Mark:
    char: str
    starts_morpheme: bool
    tense: bool
    nasal_l: bool


class Lexicon:
    def __init__(self, entries: Mapping[str, str] = ENTRIES) -> None:
        self._marks = {word: _parse(word, pattern) for word, pattern in entries.items()}
        alternatives = sorted(map(re.escape, entries), key=len, reverse=True)
        self._pattern = re.compile("|".join(alternatives))

    def mark(self, text: str, units: Sequence[Unit], morphemes: Sequence[Morpheme]) -> None:
        """Apply the entries found at morpheme boundaries of `text` to its `units`."""
        starts = {m.start for m in morphemes if m.length > 0}
        ends = {m.start + m.length for m in morphemes if m.length > 0}
        at = {unit.position: index for index, unit in enumerate(units)}
        for match in self._pattern.finditer(text):
            if match.start() in starts and match.end() in ends:
                first = at[match.start()]
                _apply(self._marks[match.group()], units[first : first + len(match.group())])


def _parse(word: str, pattern: str) -> list[_Mark]:
    marks: list[_Mark] = []
    pending = ""
    for char in pattern:
        if char in "+*%":
            pending += char
            continue
        marks.append(_Mark(char, "+" in pending, "*" in pending, "%" in pending))
        pending = ""
    if len(marks) != len(word):
        raise ValueError(f"lexicon pattern {pattern!r} does not match {word!r} syllable for syllable")
    return marks


def _apply(marks: list[_Mark], units: Sequence[Unit]) -> None:
    for index, (mark, unit) in enumerate(zip(marks, units, strict=True)):
        if mark.char != unit.text:
            unit.syllable = Syllable.of(mark.char)
        unit.tense = unit.tense or mark.tense
        unit.nasal_l = unit.nasal_l or mark.nasal_l
        if index == 0:
            continue
        if mark.starts_morpheme:
            unit.gap, unit.head, unit.head_form = Gap.STEM, "NNG", ""
        else:
            unit.gap, unit.head, unit.head_form = Gap.MORPHEME, "", ""
        units[index - 1].ends_morpheme = mark.starts_morpheme
