"""Hangul syllables split into onset, vowel and coda jamo (Unicode's composition formula) and back."""

from __future__ import annotations

from dataclasses import dataclass

ONSETS = ("ㄱ", "ㄲ", "ㄴ", "ㄷ", "ㄸ", "ㄹ", "ㅁ", "ㅂ", "ㅃ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅉ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ")
VOWELS = tuple("ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ")
CODAS = ("", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ", "ㅁ", "ㅂ", "ㅄ",
         "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ")  # fmt: skip
FIRST_SYLLABLE, LAST_SYLLABLE = 0xAC00, 0xD7A3
_ONSET_INDEX = {jamo: index for index, jamo in enumerate(ONSETS)}
_VOWEL_INDEX = {jamo: index for index, jamo in enumerate(VOWELS)}
_CODA_INDEX = {jamo: index for index, jamo in enumerate(CODAS)}


def is_syllable(char: str) -> bool:
    return FIRST_SYLLABLE <= ord(char) <= LAST_SYLLABLE


@dataclass(slots=True)
class Syllable:
    onset: str  # 'ㅇ' when the syllable starts with its vowel
    vowel: str
    coda: str  # '' when open

    @classmethod
    def of(cls, char: str) -> Syllable:
        offset = ord(char) - FIRST_SYLLABLE
        return cls(ONSETS[offset // 588], VOWELS[offset % 588 // 28], CODAS[offset % 28])

    @property
    def text(self) -> str:
        index = (_ONSET_INDEX[self.onset] * 21 + _VOWEL_INDEX[self.vowel]) * 28 + _CODA_INDEX[self.coda]
        return chr(FIRST_SYLLABLE + index)
