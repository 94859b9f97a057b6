"""A phrase as the rules see it: its Hangul syllables, each knowing the boundary before it and the morphemes
around it (from Kiwi), plus the marks the exception lexicon puts on it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

from talkline.engines.speech_text.pronounce.hangul import Syllable, is_syllable


class Gap(Enum):
    """What separates a syllable from the one before it."""

    MORPHEME = "morpheme"  # nothing: both belong to one morpheme
    SUFFIX = "suffix"  # a grammatical morpheme starts: particle, ending, copula, derivational suffix
    STEM = "stem"  # a content morpheme starts inside the same word: compounds, prefixed words
    SPACE = "space"  # the next word, said in the same breath
    BREAK = "break"  # punctuation, digits or Latin letters: no sound change crosses it


WORD_INTERNAL = frozenset({Gap.MORPHEME, Gap.SUFFIX, Gap.STEM})


class Morpheme(NamedTuple):
    form: str
    tag: str  # Sejong tag as Kiwi gives it: NNG, VV, EF, JKS, ...
    start: int  # character offset in the phrase
    length: int


def is_grammatical(tag: str) -> bool:
    """Particles, endings, copula and derivational suffixes (형식 형태소)."""
    return tag.startswith(("J", "E", "XS")) or tag == "VCP"


def is_stem(tag: str) -> bool:
    """Verb and adjective stems (용언 어간), irregular ones included (VV-I, VA-R, ...)."""
    return tag.startswith(("VV", "VA", "VX"))


@dataclass(slots=True)
class Unit:
    syllable: Syllable
    position: int  # index of the syllable in the phrase
    gap: Gap = Gap.BREAK  # before this syllable
    head: str = ""  # tag of the morpheme that starts at this syllable, '' inside a morpheme
    head_form: str = ""
    owner: str = ""  # tag of the morpheme this syllable's coda belongs to
    owner_form: str = ""
    ends_morpheme: bool = True
    tense: bool = False  # lexicon: the onset is tensified (사이시옷 not written, 등불 [등뿔])
    nasal_l: bool = False  # lexicon: an onset ㄹ after ㄴ is read ㄴ (의견란 [의견난])
    linked: bool = False  # the onset came from the coda before it (liaison, aspiration): no tensing
    joined: bool = False  # a consonant moved here across a space: the two words are said as one

    @property
    def text(self) -> str:
        return self.syllable.text

    @property
    def onset(self) -> str:
        return self.syllable.onset

    @property
    def vowel(self) -> str:
        return self.syllable.vowel

    @property
    def coda(self) -> str:
        return self.syllable.coda


def phrase_units(text: str, morphemes: Iterable[Morpheme]) -> list[Unit]:
    units = [Unit(Syllable.of(char), index) for index, char in enumerate(text) if is_syllable(char)]
    at = {unit.position: unit for unit in units}
    for morpheme in morphemes:
        if morpheme.length <= 0:
            continue
        first = at.get(morpheme.start)
        if first is not None and not first.head and not _starts_with_coda(morpheme.form):
            first.head, first.head_form = morpheme.tag, morpheme.form
        for position in range(morpheme.start, morpheme.start + morpheme.length):
            if (unit := at.get(position)) is not None:  # later morphemes own the coda: 하+ᆸ니다 -> 합
                unit.owner, unit.owner_form = morpheme.tag, morpheme.form
    for previous, unit in zip(units, units[1:], strict=False):
        unit.gap = _gap(text[previous.position + 1 : unit.position], unit.head)
        previous.ends_morpheme = unit.gap is not Gap.MORPHEME
    return units


def _starts_with_coda(form: str) -> bool:
    """Endings Kiwi writes from a coda (ᆯ래 in 만들래, ᆸ니다 in 합니다) start inside a syllable, not at it."""
    return bool(form) and 0x11A8 <= ord(form[0]) <= 0x11FF


def _gap(between: str, head: str) -> Gap:
    if between:
        return Gap.SPACE if not between.strip(" \t") else Gap.BREAK  # a line break is a pause
    if not head:
        return Gap.MORPHEME
    return Gap.SUFFIX if is_grammatical(head) else Gap.STEM


def pairs(units: Sequence[Unit]) -> Iterator[tuple[Unit, Unit]]:
    """Neighbouring syllables that sound changes may cross, left to right."""
    for left, right in zip(units, units[1:], strict=False):
        if right.gap is not Gap.BREAK:
            yield left, right


def written(text: str, units: Sequence[Unit]) -> str:
    """`text` with every syllable replaced by its unit's, and the space dropped where words were joined."""
    chars = list(text)
    for previous, unit in zip([None, *units], units, strict=False):
        chars[unit.position] = unit.text
        if unit.joined and previous is not None:
            for position in range(previous.position + 1, unit.position):
                chars[position] = ""
    return "".join(chars)
