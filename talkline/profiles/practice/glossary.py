"""North Korean words and their South Korean equivalents, and finding them in what a learner said.

Words are found by their morphemes (Kiwi), never as substrings: 안해 (wife) is found in 우리 안해가
but not in 숙제 안해가지고 (안 + 하다), 일없다 (no, thanks) in 일없습니다 but not in 요즘 일없어서
(no work), 수표하다 (to sign) only with 하다 (수표 alone is a South Korean cheque).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib.resources import files
from typing import Literal

import yaml
from kiwipiepy import Token
from pydantic import BaseModel, ConfigDict

from talkline.profiles.practice.models import Text
from talkline.profiles.practice.morphemes import tokens

Kind = Literal["word", "spelling", "false_friend"]
PartOfSpeech = Literal["noun", "verb", "adjective", "verb_ha", "adverb"]
# tags that may make up a noun, and those that end one (particles, endings, punctuation do neither)
NOUN_PARTS = ("NNG", "NNP", "NNB", "NR", "NP", "XR", "XSN", "XPN", "MAG", "SL", "SH", "NA", "UN", "W_")
NOUN_ENDS = ("NNG", "NNP", "NNB", "NR", "XSN", "XR", "NA", "UN", "SL")
STEMS = ("VV", "VA", "VX", "XSV", "XSA", "VV-I", "VA-I", "VV-R", "VA-R", "VX-I", "XSA-I", "XSV-I")
HA = ("XSV", "XSA", "VV", "VA", "XSV-I", "XSA-I")
FINAL_ENDING = re.compile(
    r"^(?:습니다|습니까|어요|아요|어|아|수다|소|습네다|습네까|슴다|지요|죠|네요|다|다요)[.?!~]*$"
)
# 요즘 일 없어요 is "I've no work these days", not the northern "no, thanks"
WORK_CONTEXT = {
    "요즘",
    "요새",
    "오늘",
    "지금",
    "이제",
    "당분간",
    "할",
    "무슨",
    "아무",
    "별로",
    "딱히",
    "그날",
    "주말",
}
# words the analyser must be left to find itself: 안해 would swallow 안 해 (don't) in 숙제 안해가지고, and 일없
# would turn 일 없어서 (no work) into one word
NOT_IN_DICTIONARY = {"안해", "일없"}
DICTIONARY_TAGS = {"noun": "NNG", "verb_ha": "NNG", "verb": "VV", "adjective": "VA", "adverb": "MAG"}


class GlossaryEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    north: str
    south: str
    english: str
    topic: str
    kind: Kind = "word"
    pos: PartOfSpeech = "noun"
    forms: tuple[str, ...] = ()  # further spellings of the North Korean word (or of its stem)
    note: Text | None = None
    final_only: bool = False

    @property
    def stems(self) -> tuple[str, ...]:
        """What is looked for: the noun, the verb's stem (일없다 → 일없) or the noun of a 하다 verb."""
        if self.pos in ("verb", "adjective"):
            main = self.north[:-1]
        elif self.pos == "verb_ha":
            main = self.north.removesuffix("하다")
        else:
            main = self.north
        return (main, *self.forms)

    @property
    def south_stem(self) -> str:
        if self.pos in ("verb", "adjective"):
            return self.south.removesuffix("다")
        if self.pos == "verb_ha":
            return self.south.removesuffix("하다").removesuffix("다")
        return self.south


@dataclass(frozen=True, slots=True)
class Found:
    """A North Korean word in a text, with its place in the text."""

    entry: GlossaryEntry
    start: int
    end: int


@functools.cache
def _data() -> dict[str, object]:
    return yaml.safe_load(
        files("talkline.profiles.practice").joinpath("data", "glossary.yaml").read_text("utf-8")
    )


@functools.cache
def glossary() -> tuple[GlossaryEntry, ...]:
    return tuple(GlossaryEntry.model_validate(entry) for entry in _data()["entries"])  # type: ignore[union-attr]


def sources() -> list[str]:
    return list(_data()["sources"])  # type: ignore[call-overload]


@functools.cache
def _by_stem() -> dict[str, tuple[GlossaryEntry, ...]]:
    index: dict[str, list[GlossaryEntry]] = {}
    for entry in glossary():
        for stem in entry.stems:
            index.setdefault(stem, []).append(entry)
    return {stem: tuple(entries) for stem, entries in index.items()}


@functools.cache
def _longest_stem() -> int:
    return max(len(stem) for stem in _by_stem())


def dictionary_words() -> list[tuple[str, str]]:
    """North Korean words (and verb stems) to add to the analyser's dictionary, with their tags: those that
    never hide other words."""
    return [
        (stem, DICTIONARY_TAGS[entry.pos])
        for entry in glossary()
        for stem in entry.stems
        if stem not in NOT_IN_DICTIONARY and " " not in stem
    ]


def find_north_korean(text: str) -> list[Found]:
    """The North Korean words in the text, in the order they were said."""
    morphemes = [token for token in tokens(text) if token.tag not in ("SF", "SP", "SS", "SE", "SO", "SW")]
    found: list[Found] = []
    index = 0
    while index < len(morphemes):
        match = _match_at(text, morphemes, index)
        if match is None:
            index += 1
            continue
        found.append(match[0])
        index = match[1]
    return found


def north_korean_words(text: str) -> list[GlossaryEntry]:
    """The glossary entries used in the text, each once, in the order they were said."""
    return list({found.entry.north: found.entry for found in find_north_korean(text)}.values())


def southernised(text: str) -> str:
    """The text with its North Korean words replaced by the South Korean ones (for understanding it).
    Words both sides use with other meanings (오징어) are taken the way a South Korean would take them."""
    for found in reversed(find_north_korean(text)):
        if found.entry.kind == "false_friend":
            continue
        text = text[: found.start] + found.entry.south_stem + text[found.end :]
    return text


def _match_at(text: str, morphemes: list[Token], first: int) -> tuple[Found, int] | None:
    """The longest entry starting at morpheme `first`, and the index after it."""
    start = morphemes[first].start
    for last in range(min(len(morphemes), first + 5) - 1, first - 1, -1):
        end = morphemes[last].start + morphemes[last].len
        surface = text[start:end].replace(" ", "")
        lemma = "".join(token.form for token in morphemes[first : last + 1])  # 마사졌 is the stem 마사지
        for said in dict.fromkeys((surface, lemma)):
            if len(said) > _longest_stem() or said not in _by_stem():
                continue
            for entry in _by_stem()[said]:
                if _fits(entry, text, morphemes, first, last):
                    return Found(entry, start, end), last + 1
    return None


def _fits(entry: GlossaryEntry, text: str, morphemes: list[Token], first: int, last: int) -> bool:
    span = morphemes[first : last + 1]
    if any(_gap(text, before, after) for before, after in zip(span, span[1:], strict=False)):
        return False
    following = morphemes[last + 1] if last + 1 < len(morphemes) else None
    if entry.pos in ("noun", "adverb"):
        return all(token.tag in NOUN_PARTS for token in span) and (
            entry.pos == "adverb" or span[-1].tag in NOUN_ENDS
        )
    if entry.pos == "verb_ha":
        return following is not None and following.tag in HA and following.form == "하"
    if span[-1].tag not in STEMS:
        return False
    if entry.final_only:
        return _is_final(text, morphemes, first, last)
    return True


def _gap(text: str, before: Token, after: Token) -> bool:
    """Two morphemes of one word are at most a space apart (recognisers split long compounds)."""
    between = text[before.start + before.len : after.start]
    return len(between.strip()) > 0 or len(between) > 1


def _is_final(text: str, morphemes: list[Token], first: int, last: int) -> bool:
    """The stem ends its sentence (일없습니다, 일없수다), and is not "no work" (요즘 일 없어서)."""
    stem_end = morphemes[last].start + morphemes[last].len
    word_end = text.find(" ", stem_end)
    rest = text[stem_end : word_end if word_end >= 0 else len(text)]
    if not FINAL_ENDING.match(rest):
        return False
    before = next((token.form for token in reversed(morphemes[:first]) if not token.tag.startswith("J")), "")
    return before not in WORK_CONTEXT
