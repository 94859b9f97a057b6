"""Which language a sentence is in, and the stretches of it that are in another script.

A sentence's language is the one most of its words are written in ('Put it in a general-waste bag
(종량제봉투)' is English; 'PET 병은 어디에?' is Korean); ties go to the non-Latin script, whose voice reads
Latin words passably while the English voice cannot say Hangul at all. In a Latin-script sentence,
each stretch of another script (with a number written against it: 10리터) is a run of its own.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from talkline.engines.language import LATIN, primary_language, script_language

NON_LATIN_LANGUAGES = frozenset({"ko", "ja", "zh", "ru", "el", "he", "ar", "hi", "th", "ka", "hy"})
_WORD = re.compile(r"[^\W\d_]+")
_NON_LATIN_LETTERS = r"[^\W\d_A-Za-z\u00C0-\u024F]+"
FOREIGN_SPAN = re.compile(rf"(?:\d[\d,.]*\s?)?{_NON_LATIN_LETTERS}(?:[ \t]+(?:\d[\d,.]*\s?)?{_NON_LATIN_LETTERS})*")
_EDGE_OPENERS = " \t\n([{\"'“‘-–—:;,"
_EDGE_CLOSERS = " \t\n)]}\"'”’-–—:;,"


def dominant_language(text: str) -> str | None:
    """The language most words of `text` are written in; None without letters."""
    counts = Counter(language for word in _WORD.findall(text) if (language := script_language(word[0])))
    if not counts:
        return None
    if "ja" in counts and "zh" in counts:
        counts["ja"] += counts.pop("zh")  # Japanese mixes kana with Han
    return max(counts, key=lambda language: (counts[language], language != LATIN))


def host_language(text: str, language: str | None = None, fallback: str | None = None) -> str:
    """The language to speak `text` in: the one asked for, else the text's own, else `fallback`, else English."""
    return language or dominant_language(text) or fallback or "en"


def is_latin_script(language: str) -> bool:
    return primary_language(language) not in NON_LATIN_LANGUAGES


def foreign_spans(text: str) -> Iterator[re.Match[str]]:
    """Stretches of a non-Latin script inside Latin-script text."""
    return FOREIGN_SPAN.finditer(text)


def split_runs(text: str, host: str) -> list[tuple[str, str]]:
    """(language, piece) for each stretch of `text` one voice can say; pieces with nothing to say are dropped
    and neighbours in the same language are joined ('형광등·전구' stays one Korean run)."""
    spans = list(foreign_spans(text)) if is_latin_script(host) else []
    if not spans:
        return [(host, text)] if text.strip() else []
    pieces: list[tuple[str, str]] = []
    position = 0
    for span in spans:
        pieces.append((host, text[position : span.start()]))
        pieces.append((dominant_language(span.group()) or host, span.group()))
        position = span.end()
    pieces.append((host, text[position:]))
    runs: list[tuple[str, str]] = []
    for language, piece in pieces:
        piece = _tidy(piece)
        if not any(char.isalnum() for char in piece):
            continue
        if runs and runs[-1][0] == language:
            runs[-1] = (language, f"{runs[-1][1]} {piece}")
        else:
            runs.append((language, piece))
    return runs


def _tidy(piece: str) -> str:
    """Brackets and dashes that opened or closed around another run mean nothing to this one's voice."""
    return piece.lstrip(_EDGE_CLOSERS).rstrip(_EDGE_OPENERS)
