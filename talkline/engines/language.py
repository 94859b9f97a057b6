"""Guess a text's language from its writing system (enough to pick a voice, not a translator)."""

from __future__ import annotations

from collections import Counter

# (first, last code point, language), checked in order
_SCRIPTS: tuple[tuple[int, int, str], ...] = (
    (0xAC00, 0xD7A3, "ko"),  # Hangul syllables
    (0x1100, 0x11FF, "ko"),  # Hangul jamo
    (0x3130, 0x318F, "ko"),  # Hangul compatibility jamo
    (0xA960, 0xA97F, "ko"),
    (0xD7B0, 0xD7FF, "ko"),
    (0x3040, 0x30FF, "ja"),  # Hiragana, Katakana
    (0x31F0, 0x31FF, "ja"),
    (0xFF66, 0xFF9F, "ja"),  # half-width Katakana
    (0x4E00, 0x9FFF, "zh"),  # CJK ideographs (Japanese if kana appear too)
    (0x3400, 0x4DBF, "zh"),
    (0x0400, 0x04FF, "ru"),  # Cyrillic
    (0x0370, 0x03FF, "el"),
    (0x0590, 0x05FF, "he"),
    (0x0600, 0x06FF, "ar"),
    (0x0900, 0x097F, "hi"),  # Devanagari
    (0x0E00, 0x0E7F, "th"),
    (0x10A0, 0x10FF, "ka"),  # Georgian
    (0x0530, 0x058F, "hy"),  # Armenian
)
LATIN = "en"


def primary_language(language: str) -> str:
    """The language subtag of a tag: 'ko-KR' -> 'ko', 'pt_BR' -> 'pt'."""
    return language.replace("_", "-").split("-")[0].lower()


def script_language(char: str) -> str | None:
    """The language a letter's script suggests, or None for digits, punctuation and spaces."""
    point = ord(char)
    for first, last, language in _SCRIPTS:
        if first <= point <= last:
            return language
    if char.isalpha() and point < 0x0250:  # Basic Latin to Latin Extended-B
        return LATIN
    return None


def detect_language(text: str) -> str | None:
    """'ko' for Hangul, 'ja' for kana, 'zh' for Han, ... 'en' for Latin; None without letters.

    Any non-Latin letters win over Latin ones: "PET 병은 어디에" is Korean, and a Latin-only voice
    could not say the Hangul anyway, while the other voices read Latin words passably.
    """
    counts = Counter(language for char in text if (language := script_language(char)) is not None)
    if "ja" in counts:
        return "ja"  # Japanese mixes kana with Han
    non_latin = [(count, language) for language, count in counts.items() if language != LATIN]
    if non_latin:
        return max(non_latin)[1]
    return LATIN if counts else None
