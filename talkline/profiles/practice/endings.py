"""North Korean and northern dialect sentence endings (-습네까, -수다, -오/-소, -슴다, -ㅁ둥, -갔-…):
finding them in a word, and saying the word the way the South ends it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib.resources import files
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from talkline.profiles.practice.korean import SYLLABLE_FIRST, final_index, is_syllable
from talkline.profiles.practice.models import Text
from talkline.profiles.practice.morphemes import join, tokens

Level = Literal["north", "hao"]
WORD = re.compile(r"[가-힣]+")
FINAL_M, FINAL_B, FINAL_SS = 16, 17, 20  # ㅁ, ㅂ, ㅆ as final consonants
# syllables that end a South Korean verb stem in ㅁ: 감다, 남다… are not 함경도 -ㅁ다
M_STEMS = set("감남담삼참숨넘심품굶젊닮옮곪껌뜸잠")
GAT_STEMS = ("알", "하", "좋", "되", "있", "없", "모르", "먹", "가", "보", "주", "싫")


class Ending(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    label: str
    south: str
    level: Level
    explain: Text


@dataclass(frozen=True, slots=True)
class EndingFound:
    ending: Ending
    word: str  # the word as said
    south_word: str  # the word ended the South Korean way
    start: int
    end: int


@functools.cache
def endings() -> dict[str, Ending]:
    raw = yaml.safe_load(
        files("talkline.profiles.practice").joinpath("data", "endings.yaml").read_text("utf-8")
    )
    return {entry["id"]: Ending.model_validate(entry) for entry in raw}


def find_endings(text: str) -> list[EndingFound]:
    """The northern endings in the text, word by word."""
    found = []
    for match in WORD.finditer(text):
        result = _word_ending(match.group(), text, match.start())
        if result is not None:
            ending_id, south = result
            found.append(EndingFound(endings()[ending_id], match.group(), south, match.start(), match.end()))
    return found


def _word_ending(word: str, text: str, start: int) -> tuple[str, str] | None:
    """The northern ending of one word and the word ended the South Korean way, if it has one."""
    if word == "얼마요":
        return "eolmayo", "얼마예요"
    if (
        len(word) >= 3
        and word.endswith(("네까", "네다"))
        and (word[-3] == "습" or final_index(word[-3]) == FINAL_B)
    ):
        return ("bnikka", word[:-2] + "니까") if word.endswith("까") else ("bnida", word[:-2] + "니다")
    if len(word) >= 3 and word.endswith("수다") and word[-3] != "수":
        return "suda", word[:-2] + ("습니다" if final_index(word[-3]) else "ㅂ니다")
    if word.endswith(("슴다", "슴둥")):
        return ("seumda", word[:-2] + "습니다") if word.endswith("다") else ("seumdung", word[:-2] + "습니까")
    if len(word) >= 2 and word[-1] in "다둥" and final_index(word[-2]) == FINAL_M and word[-2] not in M_STEMS:
        b_form = _with_final(word[-2], FINAL_B)
        return (
            ("seumda", word[:-2] + b_form + "니다")
            if word[-1] == "다"
            else ("seumdung", word[:-2] + b_form + "니까")
        )
    if (
        "갔" in word
        and any(word.startswith(stem + "갔") for stem in GAT_STEMS)
        and not word.startswith("오갔")
    ):
        return "gat", word.replace("갔", "겠", 1)
    return _hao(word, text, start)


def _hao(word: str, text: str, start: int) -> tuple[str, str] | None:
    """-오/-소 and -시오, told from nouns that end in 오 or 소 (주소, 장소) by their morphemes."""
    if len(word) < 2 or word[-1] not in "오소":
        return None
    morphemes = [t for t in tokens(text) if start <= t.start < start + len(word)]
    if (
        not morphemes
        or not morphemes[-1].tag.startswith("E")
        or morphemes[-1].form not in ("오", "소", "으오", "시오")
    ):
        return None
    if word.endswith("시오"):
        return "sio", word[:-2] + "세요"
    stem = [(t.form, t.tag) for t in morphemes[:-1] if t.tag.startswith(("V", "X", "EP"))]
    if not stem:
        return None
    return "hao", join([*stem, ("어요", "EF")])


def _with_final(syllable: str, final: int) -> str:
    code = ord(syllable) - SYLLABLE_FIRST
    return chr(SYLLABLE_FIRST + code - code % 28 + final) if is_syllable(syllable) else syllable
