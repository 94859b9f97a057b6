"""Speech levels: which register a relationship calls for, and which one an utterance is in.

Service staff, officials, interviewers and strangers speak 존댓말 whoever plays them; 반말 is only for
friends of the same age. The learner owes the same relationship the same register back.
"""

from __future__ import annotations

import re
from typing import Literal

from talkline.profiles.practice.endings import find_endings
from talkline.profiles.practice.korean import FINAL_RIEUL, final_index
from talkline.profiles.practice.models import Register, Relationship
from talkline.profiles.practice.morphemes import tokens

Level = Literal["banmal", "haeyo", "hapsyo", "north", "hao"]
POLITE_LEVELS: tuple[Level, ...] = ("haeyo", "hapsyo", "north")

# (the partner's register, the learner's register) for each relationship
REGISTERS: dict[Relationship, tuple[Register, Register]] = {
    "friend": ("banmal", "banmal"),
    "elder_neighbour": ("haeyo", "haeyo"),
    "clerk": ("haeyo", "haeyo"),
    "official": ("haeyo", "haeyo"),
    "stranger": ("haeyo", "haeyo"),
    "interviewer": ("hapsyo", "hapsyo"),
}

SENTENCE = re.compile(r"[^.?!~…\n]+")
HANGUL = re.compile(r"[가-힣]")
POLITE_WORDS = {"네", "예", "아니요", "아뇨", "감사합니다", "고맙습니다", "죄송합니다", "실례합니다"}
CASUAL_WORDS = {"응", "아니", "그래", "웅", "엉", "몰라", "고마워", "미안", "알았어", "좋아", "싫어", "맞아"}
HAPSYO = ("니다", "니까", "십시오", "ㅂ시다", "읍시다", "십니까", "습니다요")
# endings of a sentence in 반말: -어/-아, -야, -지, -자, -냐, -니, -래, -게, -까 (할까), -다, -네, -데, -걸, -고…
CASUAL_ENDINGS = (
    "어",
    "아",
    "야",
    "지",
    "자",
    "냐",
    "니",
    "래",
    "게",
    "까",
    "다",
    "네",
    "데",
    "걸",
    "줘",
    "봐",
    "와",
    "워",
    "돼",
    "해",
    "가",
    "써",
    "려",
    "고",
    "서",
    "는데",
    "거든",
    "잖아",
    "구나",
    "군",
)


def partner_register(relationship: Relationship) -> Register:
    return REGISTERS[relationship][0]


def learner_register(relationship: Relationship) -> Register:
    return REGISTERS[relationship][1]


def is_polite(register: Register) -> bool:
    return register != "banmal"


def utterance_level(utterance: str) -> Level | None:
    """The level of the utterance's last sentence that shows one; None for a name, a number, a noun."""
    levels = [sentence_level(sentence) for sentence in SENTENCE.findall(utterance)]
    return next((level for level in reversed(levels) if level is not None), None)


def sentence_level(sentence: str) -> Level | None:
    words = re.findall(r"[가-힣]+", sentence)
    if not words:
        return None
    last = words[-1]
    northern = [found.ending.level for found in find_endings(last)]
    if northern:
        return northern[0]
    if last in POLITE_WORDS:
        return "haeyo"
    if last in CASUAL_WORDS:
        return "banmal"
    if last.endswith(HAPSYO):
        return "hapsyo"
    if last.endswith(("요", "죠")):
        return "haeyo"
    if last[-1] in "게까" and len(last) >= 2 and final_index(last[-2]) == FINAL_RIEUL:  # 할게, 갈까
        return "banmal"
    if last.endswith(CASUAL_ENDINGS) and _ends_in_a_verb(sentence):
        return "banmal"
    return None


def _ends_in_a_verb(sentence: str) -> bool:
    """The sentence ends in a verb ending (좋아, 할게, 왔는데), not a bare noun (피자, 두 사람)."""
    morphemes = [token for token in tokens(sentence.strip()) if not token.tag.startswith("S")]
    if not morphemes:
        return False
    last = morphemes[-1]
    return last.tag.startswith(("E", "V")) or (last.tag == "NNB" and last.form in ("것", "거"))
