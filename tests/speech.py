"""Real speech for tests: Piper speech synthesised at test time, and the one recorded Korean clip."""

from __future__ import annotations

from collections.abc import Sequence

from talkline.bench.speech import KOREAN_CLIP, KOREAN_CLIP_TRANSCRIPT, english_speech, korean_clip


def character_error_rate(hypothesis: str, reference: str) -> float:
    """Levenshtein distance over characters, spaces and punctuation ignored, over the reference length."""
    def characters(text: str) -> str:
        return "".join(c for c in text if c.isalnum())

    return _edit_distance(characters(hypothesis), characters(reference)) / max(1, len(characters(reference)))


def word_error_rate(hypothesis: str, reference: str) -> float:
    """Levenshtein distance over lower-cased words, punctuation ignored, divided by the reference length."""
    def words(text: str) -> list[str]:
        return "".join(c.lower() if c.isalnum() or c.isspace() else " " for c in text).split()

    return _edit_distance(words(hypothesis), words(reference)) / max(1, len(words(reference)))


def _edit_distance(hypothesis: Sequence[str], reference: Sequence[str]) -> int:
    previous = list(range(len(hypothesis) + 1))
    for i, r in enumerate(reference, 1):
        current = [i]
        for j, h in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1]


__all__ = ["KOREAN_CLIP", "KOREAN_CLIP_TRANSCRIPT", "character_error_rate", "english_speech", "korean_clip", "spoken_as",
           "word_error_rate"]


def spoken_as(heard: str, text: str) -> bool:
    """What the fake STT heard of the fake TTS's speech is the text itself; only the spaces between sentences,
    which are not spoken, may be missing."""
    return "".join(heard.split()) == "".join(text.split())
