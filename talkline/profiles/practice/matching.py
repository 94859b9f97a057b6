"""Fuzzy intent matching on speech-recognition transcripts.

Korean is compared letter by letter (jamo), not syllable by syllable: whisper-base gets about one
Korean character in four wrong, and most of those errors change one jamo (김치찌개 → 김치지개), so
jamo similarity keeps such near misses while whole syllables would not. Short keywords must match
exactly, because a fuzzy two-letter match is found almost anywhere.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from talkline.profiles.practice.models import Intent

HANGUL_WORD = re.compile(r"[가-힣]+")
NOT_ENGLISH = re.compile(r"[^a-z0-9' ]+")


@functools.lru_cache(maxsize=4096)  # keywords are decomposed again for every utterance
def jamo(text: str) -> str:
    """Hangul decomposed into jamo (Unicode NFD), lower-cased, without spaces or punctuation."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text.lower()) if ch.isalnum())


def plain_english(text: str) -> str:
    """Lower-case words and digits separated by single spaces; apostrophes kept (i'm, don't)."""
    return " ".join(NOT_ENGLISH.sub(" ", text.lower().replace("’", "'")).split())


@dataclass(frozen=True)
class Utterance:
    """What the user said, normalised once for every keyword it is compared with."""

    text: str

    @functools.cached_property
    def jamo(self) -> str:
        return jamo(self.text)

    @functools.cached_property
    def hangul_words(self) -> frozenset[str]:
        return frozenset(HANGUL_WORD.findall(self.text))

    @functools.cached_property
    def english(self) -> str:
        return plain_english(self.text)


@dataclass(frozen=True, slots=True)
class Match:
    intent: Intent
    keyword: str
    score: float  # 0–100
    specificity: int  # longer keywords are more specific; they win ties

    @property
    def rank(self) -> tuple[float, int]:
        return (self.score, self.specificity)


def korean_score(keyword: str, utterance: Utterance) -> float:
    letters = jamo(keyword)
    if len(keyword.strip()) == 1:  # one syllable (네, 응, 줘): only as a word of its own
        return 100.0 if keyword.strip() in utterance.hangul_words else 0.0
    if len(letters) < 8:
        return 100.0 if letters in utterance.jamo else 0.0
    return _similar(letters, utterance.jamo, threshold=85)


def english_score(keyword: str, utterance: Utterance) -> float:
    words = plain_english(keyword)
    if len(words) <= 4:
        return 100.0 if re.search(rf"(?<![\w']){re.escape(words)}(?![\w'])", utterance.english) else 0.0
    return _similar(f" {words} ", f" {utterance.english} ", threshold=90)


def _similar(keyword: str, text: str, *, threshold: float) -> float:
    """How well the keyword matches its best-aligned stretch of the text (a whole text shorter than it)."""
    score = fuzz.partial_ratio(keyword, text) if len(text) >= len(keyword) else fuzz.ratio(keyword, text)
    return score if score >= threshold else 0.0


def intent_match(intent: Intent, utterance: Utterance) -> Match | None:
    """The intent's best-scoring keyword or pattern in the utterance, if any matches."""
    candidates = [Match(intent, k, korean_score(k, utterance), len(jamo(k))) for k in intent.ko]
    candidates += [Match(intent, k, english_score(k, utterance), len(k)) for k in intent.en]
    candidates += [Match(intent, p, 100.0, 0) for p in intent.patterns if re.search(p, utterance.text)]
    found = [match for match in candidates if match.score > 0]
    return max(found, key=lambda match: match.rank, default=None)


def best_match(text: str, intents: Iterable[Intent]) -> Match | None:
    """The intent the text most likely expresses, or None when nothing matches well enough."""
    utterance = Utterance(text)
    matches = [match for intent in intents if (match := intent_match(intent, utterance)) is not None]
    return max(matches, key=lambda match: match.rank, default=None)


def resembles(phrase: str, text: str) -> bool:
    """Whether the text contains something close to the whole phrase (Korean or English)."""
    return _similar(jamo(phrase), jamo(text), threshold=85) > 0
