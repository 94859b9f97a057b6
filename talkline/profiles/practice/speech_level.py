"""Which speech level a Korean utterance ends in: 존댓말 (polite) or 반말 (casual), judged by its endings."""

from __future__ import annotations

import re

from talkline.profiles.practice.models import SpeechLevel

HANGUL_WORD = re.compile(r"[가-힣]+")
SENTENCE_BREAK = re.compile(r"[.?!,~…\n]+")
POLITE_WORDS = {"네", "예"}
CASUAL_WORDS = {"응", "어", "아니", "그래", "웅"}
POLITE_ENDINGS = ("요", "니다", "니까", "시오", "죠")
# last syllables of 반말 verb endings: -아/-어 and their contractions (가, 줘, 돼…), -야, -지, -래, -자, -게, -냐, -다…
CASUAL_LAST_SYLLABLES = set("어아야지래자게해냐니다까걸데라줘봐와워돼네가써려내파져쳐켜대셔겨")


def speech_level(utterance: str) -> SpeechLevel | None:
    """The level of the utterance's last sentence that shows one, or None (a name, a number, a noun)."""
    levels = [_sentence_level(sentence) for sentence in SENTENCE_BREAK.split(utterance)]
    return next((level for level in reversed(levels) if level is not None), None)


def _sentence_level(sentence: str) -> SpeechLevel | None:
    words = HANGUL_WORD.findall(sentence)
    if not words:
        return None
    last = words[-1]
    if last in POLITE_WORDS or last.endswith(POLITE_ENDINGS):
        return "polite"
    if last in CASUAL_WORDS or last[-1] in CASUAL_LAST_SYLLABLES:
        return "casual"
    return None
