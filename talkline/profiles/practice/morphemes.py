"""Kiwi, the Korean morphological analyser, loaded once per process for the practice application.

Loading takes a second or two and the first analysis a few more: `load()` does both at start-up (the
profile's warm-up), after which a sentence takes well under a millisecond. North Korean nouns are added
to its dictionary so that they come out whole (꼬부랑국수, not 꼬부랑 + 국수; 록차, not 록 + 차다; 마사졌어요 as
the verb 마사지다), except those that would hide ordinary words (안해: 숙제 안 해가지고 stays 안 + 하다).
"""

from __future__ import annotations

import functools
import threading

from kiwipiepy import Kiwi, Token

_LOADING = threading.Lock()
_loaded: Kiwi | None = None


def kiwi() -> Kiwi:
    global _loaded
    if _loaded is None:
        with _LOADING:
            if _loaded is None:
                from talkline.profiles.practice.glossary import dictionary_words

                analyser = Kiwi()
                for word, tag in dictionary_words():
                    analyser.add_user_word(word, tag)
                analyser.tokenize("준비됐어요")  # the first analysis loads the language model
                _loaded = analyser
    return _loaded


MAX_ANALYSED_CHARS = 2000  # Kiwi's time grows faster than the text (8000 letters without a space: ~7 s)


@functools.lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[Token, ...]:
    """The morphemes of the text (its first MAX_ANALYSED_CHARS letters), each with its tag and its place
    (start, len) in the text."""
    return tuple(kiwi().tokenize(text[:MAX_ANALYSED_CHARS]))


@functools.lru_cache(maxsize=8192)
def analysis_score(word: str) -> float:
    """How likely the analyser finds its best reading of the word (a log probability)."""
    return float(kiwi().analyze(word, top_n=1)[0][1])


def join(morphemes: list[tuple[str, str]]) -> str:
    """Morphemes back into a word, with Korean's sound changes (고맙 + 어요 → 고마워요, 우유 + 이 → 우유가)."""
    return kiwi().join(morphemes)
