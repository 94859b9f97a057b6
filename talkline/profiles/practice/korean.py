"""Korean text helpers: Hangul syllables, the particle forms that follow a word, and line templates.

A template names what it needs in braces: `{item}`, `{item.where}` (a fact of the chosen value),
`{name|이에요/예요}` (the word, then the particle form for a final consonant / for a vowel; 으로/로
also takes 로 after ㄹ), `{south~이라고/라고}` (the particle alone, after a quoted word).
"""

from __future__ import annotations

import re
from collections.abc import Callable

SYLLABLE_FIRST, SYLLABLE_LAST = 0xAC00, 0xD7A3
FINALS = 28
FINAL_RIEUL = 8
# how digits are read (일 이 삼 사 오 육 칠 팔 구 영): whether the reading ends in a consonant, and in ㄹ
DIGIT_FINAL = {
    "0": True,
    "1": True,
    "2": False,
    "3": True,
    "4": False,
    "5": False,
    "6": True,
    "7": True,
    "8": True,
    "9": False,
}
DIGIT_RIEUL = {"1", "7", "8"}
PLACEHOLDER = re.compile(r"\{([\w.]+)(?:([|~])([^/}]*)/([^}]*))?\}")


def is_syllable(char: str) -> bool:
    return SYLLABLE_FIRST <= ord(char) <= SYLLABLE_LAST


def final_index(char: str) -> int:
    """The final consonant (받침) of a syllable as its index, 0 for none."""
    return (ord(char) - SYLLABLE_FIRST) % FINALS if is_syllable(char) else 0


def last_sound(word: str) -> tuple[bool, bool]:
    """(ends in a consonant, ends in ㄹ) for the word's last sounding character."""
    for char in reversed(word.strip()):
        if is_syllable(char):
            final = final_index(char)
            return final != 0, final == FINAL_RIEUL
        if char.isdigit():
            return DIGIT_FINAL[char], char in DIGIT_RIEUL
        if char.isalpha():
            return False, False  # Latin letters: read as a vowel ending (카드 → card는)
    return False, False


def particle(word: str, after_consonant: str, after_vowel: str) -> str:
    """The particle form that follows `word`: 이/가, 은/는, 을/를, 이에요/예요, 으로/로 (로 after ㄹ)."""
    consonant, rieul = last_sound(word)
    if after_consonant.startswith("으") and rieul:
        return after_vowel
    return after_consonant if consonant else after_vowel


def fill(template: str, lookup: Callable[[str], str | None]) -> str | None:
    """The template with its placeholders filled, or None when one of them has no value."""
    missing = False

    def replace(match: re.Match[str]) -> str:
        nonlocal missing
        value = lookup(match.group(1))
        if value is None:
            missing = True
            return ""
        if match.group(2) is None:
            return value
        form = particle(value, match.group(3), match.group(4))
        return value + form if match.group(2) == "|" else form

    text = PLACEHOLDER.sub(replace, template)
    return None if missing else text


def given_name(name: str) -> str:
    """The given name of a Korean full name (김은별 → 은별), the name itself otherwise."""
    hangul = name.replace(" ", "")
    if len(hangul) == 3 and all(map(is_syllable, hangul)) and hangul[0] in SURNAMES:
        return hangul[1:]
    if len(hangul) == 4 and hangul[:2] in DOUBLE_SURNAMES:
        return hangul[2:]
    return name


SURNAMES = set(
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진나지엄채원천방공현"
    "함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부리림로라"
)
DOUBLE_SURNAMES = {"남궁", "제갈", "선우", "독고", "황보", "사공", "서문"}
