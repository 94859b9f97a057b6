"""Small text helpers: language detection, normalisation and sound-alike (jamo-level) matching.

Speech recognition gets about one Korean character in four wrong, usually by one jamo (페트병 →
페투병, 뚜껑 → 두껑). Comparing decomposed jamo (Unicode NFD splits each Hangul syllable into its
letters) instead of whole syllables lets one wrong vowel cost a little instead of everything.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from talkline.profiles.eco.knowledge import Lang

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_NOT_WORD = re.compile(r"[^\w]+")


def detect_language(text: str) -> Lang:
    """Korean when the text has any Hangul, otherwise English."""
    return "ko" if _HANGUL.search(text) else "en"


def normalize(text: str) -> str:
    """Lower case, NFC, punctuation folded to single spaces."""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFC", text).lower()).strip()


def compact(text: str) -> str:
    """`normalize` without spaces: Korean spacing is inconsistent (종이 팩, 종이팩)."""
    return normalize(text).replace(" ", "")


def jamo(text: str) -> str:
    return unicodedata.normalize("NFD", compact(text))


def jamo_ngrams(text: str, n: int = 3) -> list[str]:
    """Overlapping letter n-grams of each word, decomposed into jamo, with word-boundary marks."""
    grams: list[str] = []
    for word in normalize(text).split():
        letters = f"^{unicodedata.normalize('NFD', word)}$"
        grams.extend(letters[i:i + n] for i in range(max(1, len(letters) - n + 1)))
    return grams


def similarity(a: str, b: str) -> float:
    """0..1 resemblance of two phrases, letter by letter over jamo."""
    return difflib.SequenceMatcher(None, jamo(a), jamo(b), autojunk=False).ratio()


def best_match(query: str, names: Iterable[str], cutoff: float = 0.75) -> tuple[str, float] | None:
    """The name that `query` most resembles, or None when nothing is close enough.

    A name that starts a word of the query counts as a full match ("강남구에 있는" contains
    "강남구", "캔 팔면" contains "캔"); the longest such name wins.
    """
    best: tuple[str, float] | None = None
    for name in names:
        if not compact(name):
            continue
        score = 1.0 if find_phrase(query, name) else similarity(query, name)
        if best is None or score > best[1] or (score == best[1] and len(name) > len(best[0])):
            best = (name, score)
    if best is None or best[1] < cutoff:
        return None
    return best


def mentions(text: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `text`, ignoring case, punctuation and spacing."""
    key = compact(phrase)
    return bool(key) and key in compact(text)


def find_phrase(text: str, phrase: str) -> re.Match[str] | None:
    """Where `phrase` starts a word of `text` (Korean may run on into particles: 뚜껑은), any spacing."""
    letters = [re.escape(char) for char in normalize(phrase).replace(" ", "")]
    if not letters:
        return None
    tail = "" if detect_language(phrase) == "ko" else r"(?![a-z0-9])"
    pattern = r"(?<![\w])" + r"\s*".join(letters) + tail
    return re.search(pattern, unicodedata.normalize("NFC", text).lower())


def without_phrase(text: str, phrase: str) -> str:
    """`text` with the first occurrence of `phrase` (as `find_phrase` finds it) cut out."""
    lowered = unicodedata.normalize("NFC", text).lower()
    found = find_phrase(lowered, phrase)
    return f"{lowered[:found.start()]} {lowered[found.end():]}".strip() if found else text


def mentions_word(text: str, phrase: str) -> bool:
    """Whole-word occurrence for Latin phrases (so "cap" does not match "capital"), substring for Korean."""
    if detect_language(phrase) == "ko":
        return mentions(text, phrase)
    return re.search(rf"(?<![a-z0-9]){re.escape(normalize(phrase))}(?![a-z0-9])", normalize(text)) is not None
