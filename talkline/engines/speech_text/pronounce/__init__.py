"""Korean written as it is pronounced (표준 발음법), for espeak-ng, which reads Hangul letter by letter.

    >>> load_pronouncer().pronounce("감사합니다. 음식물은 종량제 봉투에")
    '감사함니다. 음싱무른 종냥제 봉투에'

Kiwi finds the morphemes the rules need (stem or noun, ending or particle, compound); the lexicon adds what
spelling and morphemes do not show. Syllables map one to one, so punctuation and Latin text pass through.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from talkline.engines.local.once import once_per_process
from talkline.engines.speech_text.pronounce.hangul import is_syllable
from talkline.engines.speech_text.pronounce.lexicon import Lexicon
from talkline.engines.speech_text.pronounce.rules import apply_rules
from talkline.engines.speech_text.pronounce.units import Morpheme, phrase_units, written

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

__all__ = ["KoreanPronouncer", "load_pronouncer"]


class KoreanPronouncer:
    def __init__(self, analyser: Kiwi, lexicon: Lexicon | None = None) -> None:
        self._analyser = analyser
        self._lexicon = lexicon or Lexicon()
        self._lock = threading.Lock()  # one Kiwi, shared by the inference threads

    def pronounce(self, text: str) -> str:
        """`text` with every Hangul syllable as it is said; everything else unchanged."""
        if not any(is_syllable(char) for char in text):
            return text
        morphemes = self._morphemes(text)
        units = phrase_units(text, morphemes)
        self._lexicon.mark(text, units, morphemes)
        apply_rules(units)
        return written(text, units)

    def _morphemes(self, text: str) -> list[Morpheme]:
        with self._lock:
            tokens = self._analyser.tokenize(text, split_complex=True, saisiot=True)
        return [Morpheme(token.form, token.tag, token.start, token.len) for token in tokens]


@once_per_process
def load_pronouncer() -> KoreanPronouncer:
    """Blocking, about two seconds the first time: loads Kiwi's model and warms it up."""
    from kiwipiepy import Kiwi

    pronouncer = KoreanPronouncer(Kiwi(load_typo_dict=False, load_multi_dict=False))
    pronouncer.pronounce("감사합니다")  # Kiwi builds its search structures on the first call
    return pronouncer
