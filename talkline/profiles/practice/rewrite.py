"""The learner's own sentence, said the way people say it in the South: North Korean words replaced
(with the particle that fits the new word), northern endings replaced, and the speech level the
relationship asks for (반말 to a clerk becomes 해요체; 존댓말 to a friend may drop its 요)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from talkline.profiles.practice.endings import find_endings
from talkline.profiles.practice.glossary import find_north_korean
from talkline.profiles.practice.korean import FINAL_RIEUL, final_index, particle
from talkline.profiles.practice.models import Register, Text
from talkline.profiles.practice.morphemes import tokens
from talkline.profiles.practice.registers import is_polite, sentence_level

# particles whose form depends on the word before them: (after a consonant, after a vowel)
PARTICLES = [
    ("이에요", "예요"),
    ("이야", "야"),
    ("이요", "요"),
    ("이랑", "랑"),
    ("으로", "로"),
    ("이", "가"),
    ("은", "는"),
    ("을", "를"),
    ("과", "와"),
]
# 반말 sentences that have a fixed polite form
POLITE_PHRASES = {
    "응": "네",
    "어": "네",
    "그래": "네",
    "아니": "아니요",
    "몰라": "모르겠어요",
    "미안": "죄송해요",
    "잘 있어": "안녕히 계세요",
    "잘 가": "안녕히 가세요",
    "안녕": "안녕하세요",
}
CASUAL_PHRASES = {
    "네": "응",
    "예": "응",
    "아니요": "아니",
    "감사합니다": "고마워",
    "고맙습니다": "고마워",
    "안녕하세요": "안녕",
    "죄송해요": "미안",
    "죄송합니다": "미안",
}
# endings of a 반말 sentence that take 요 to become polite (있어 → 있어요, 할게 → 할게요, 좋네 → 좋네요…)
TAKES_YO = ("어", "아", "지", "게", "까", "네", "걸", "거든", "는데", "데", "고")
SENTENCE = re.compile(r"[^.?!~]+[.?!~]*")
# how a speaker refers to themselves, by speech level
HUMBLE = {
    "나는": "저는",
    "난": "전",
    "내가": "제가",
    "나도": "저도",
    "내": "제",
    "나": "저",
    "나한테": "저한테",
}
PLAIN = {humble: plain for plain, humble in HUMBLE.items()}


@dataclass(frozen=True, slots=True)
class Rewrite:
    said: str
    natural: str
    reasons: list[Text]


def rewrite(said: str, register: Register) -> Rewrite | None:
    """The sentence the way a South Korean would say it to this person, if it reads differently."""
    reasons: list[Text] = []
    text = said.strip()
    for ending in reversed(find_endings(text)):
        text = text[: ending.start] + ending.south_word + text[ending.end :]
        reasons.append(
            Text(ko=f"‘{ending.word}’ → ‘{ending.south_word}’", en=f"{ending.word} → {ending.south_word}")
        )
    for found in reversed(find_north_korean(text)):
        entry = found.entry
        text = _replace_word(
            text, found.start, found.end, entry.south_stem if entry.pos != "noun" else entry.south
        )
        reasons.append(
            Text(
                ko=f"‘{entry.north}’ → ‘{entry.south}’", en=f"{entry.north} → {entry.south} ({entry.english})"
            )
        )
    leveled = _level(text, register)
    if leveled != text:
        reasons.append(
            Text(ko="존댓말로 (끝에 ‘요’)", en="polite ending (-요)")
            if is_polite(register)
            else Text(ko="친구한테는 반말로", en="casual with a friend (반말)")
        )
        text = leveled
    if text == said.strip():
        return None
    return Rewrite(said=said.strip(), natural=text, reasons=list(reversed(reasons)))


def _replace_word(text: str, start: int, end: int, south: str) -> str:
    """The word replaced, and a particle right after it put in the form the new word takes."""
    rest = text[end:]
    for after_consonant, after_vowel in PARTICLES:
        for form in (after_consonant, after_vowel):
            if rest.startswith(form) and not re.match(r"[가-힣]", rest[len(form) : len(form) + 1] or " "):
                return (
                    text[:start] + south + particle(south, after_consonant, after_vowel) + rest[len(form) :]
                )
    return text[:start] + south + rest


def _level(text: str, register: Register) -> str:
    """Each sentence at the level the register asks for, where a simple change does it."""
    sentences = SENTENCE.findall(text) or [text]
    changed = [
        _polite(s)
        if is_polite(register) and sentence_level(s) == "banmal"
        else _casual(s)
        if not is_polite(register) and sentence_level(s) in ("haeyo", "hapsyo")
        else s
        for s in sentences
    ]
    return "".join(changed)


def _polite(sentence: str) -> str:
    body, tail = _split_tail(_words(sentence, HUMBLE))
    if body in POLITE_PHRASES:
        return POLITE_PHRASES[body] + tail
    first, _, rest = body.partition(" ")
    if rest and first in POLITE_PHRASES and first not in ("안녕", "어"):
        body = POLITE_PHRASES[first] + " " + rest
    for phrase, polite in POLITE_PHRASES.items():
        if body.endswith(" " + phrase):
            return body[: -len(phrase)] + polite + tail
    if len(body) >= 2 and body[-1] in "게까" and final_index(body[-2]) == FINAL_RIEUL:  # 할게, 갈까
        return body + "요" + tail
    last = [t for t in tokens(body) if not t.tag.startswith("S")]
    if not last:
        return sentence
    ending = last[-1]
    if ending.tag == "EF" and ending.form in ("야", "이야") and len(last) >= 2 and last[-2].tag == "VCP":
        stem = body[:-1].removesuffix("이")
        return stem + particle(stem, "이에요", "예요") + tail
    if ending.tag.startswith("E") and body.endswith(TAKES_YO):
        return body + "요" + tail
    return sentence


def _casual(sentence: str) -> str:
    body, tail = _split_tail(_words(sentence, PLAIN))
    if body in CASUAL_PHRASES:
        return CASUAL_PHRASES[body] + tail
    for polite, casual in (("이에요", "이야"), ("예요", "야"), ("지요", "지"), ("죠", "지")):
        if body.endswith(polite):
            return body[: -len(polite)] + casual + tail
    if body.endswith("요") and not body.endswith(("세요", "니다", "시오")):
        last = [t for t in tokens(body) if not t.tag.startswith("S")]
        if last and last[-1].tag == "EF" and last[-1].form.endswith("요"):
            return body[:-1] + tail
    return sentence


def _words(sentence: str, replacements: dict[str, str]) -> str:
    return re.sub(r"[가-힣]+", lambda word: replacements.get(word.group(), word.group()), sentence)


def _split_tail(sentence: str) -> tuple[str, str]:
    match = re.match(r"(.*?)([.?!~\s]*)$", sentence, re.S)
    return (match.group(1), match.group(2)) if match else (sentence, "")
