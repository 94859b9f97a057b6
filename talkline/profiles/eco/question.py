"""What kind of question it is: a yes/no question about a bin ("귤 껍질은 음식물 쓰레기 맞죠?") or not.

A yes/no question names (or implies) the bin the asker expects: a category ("음식물 쓰레기",
"paper"), "recyclable" ("재활용 돼?"), or just throwing it away ("그냥 버려도 돼?" expects general
waste). Such a question is answered yes or no first. Korean questions that deny ("음식물 아니지?")
are answered the Korean way: 네 agrees with the denial.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from talkline.profiles.eco.knowledge import KnowledgeBase, Lang
from talkline.profiles.eco.names import Mention
from talkline.profiles.eco.text import compact, find_phrase, normalize

RECYCLABLE = "recyclable"
DRAIN = "drain"  # pouring it away down the sink, drain or toilet (a condition term in the knowledge base)
WH_KO = ("어떻게", "어떡", "어디", "뭐", "뭘", "무엇", "무슨", "몇", "얼마", "언제", "왜", "어느", "어케", "어캐", "어찌")
WH_EN = frozenset({"how", "where", "what", "which", "when", "why", "who", "whats", "hows"})
AUX_EN = frozenset({"is", "are", "can", "do", "does", "should", "could", "will", "would", "may", "must", "am", "isn't",
                    "aren't", "can't", "don't", "doesn't", "shouldn't", "isnt", "arent", "cant", "dont", "doesnt"})
YES_NO_KO = re.compile(r"(맞|돼|되|될|됨|가능|인가|인지|이에요|예요|이야|야|이지|거지|거죠|거야|건가|나요|나|니|냐|까|아니|아닌"
                       r"|죠|지|요|음|임)\W*$")
REQUEST_KO = ("주세요", "줘", "방법", "버리는 법", "알려")
DENIAL_KO = ("아니지", "아니죠", "아니야", "아닌가", "아니에요", "아니잖", "아닌 거", "아니지요", "아니었", "안 되지", "안되지",
             "안 되죠", "안되죠", "안 되잖", "안 돼지", "안 되는 거지", "안 되는 거죠")
PRONOUNS_EN = frozenset({"i", "you", "we", "they", "it", "this", "these", "those", "that", "my", "the", "a", "an"})
RECYCLE_WORDS = ("재활용", "분리수거", "분리배출", "recyclable", "recycle", "recycled", "recycling")
JUST_BIN_WORDS = ("그냥 버려", "그냥 버리", "그냥 쓰레기", "아무 데나", "쓰레기통에", "in the trash", "in the bin",
                  "in the garbage", "just throw", "regular trash", "normal trash", "normal bin")


@dataclass(frozen=True, slots=True)
class Asked:
    yes_no: bool
    denied: bool  # the question denies the claim ("음식물 아니지?")
    claims: tuple[str, ...]  # category ids, or RECYCLABLE


def read_question(text: str, mentions: Sequence[Mention], subject: Mention | None, kb: KnowledgeBase,
                  lang: Lang) -> Asked:
    claims = _claims(text, mentions, subject, kb)
    asks = _asks_yes_no(text, lang) and len(claims) == 1  # "paper or plastic?" is a choice, not yes/no
    denied = lang == "ko" and any(word in compact(text) for word in map(compact, DENIAL_KO))
    return Asked(yes_no=asks and bool(claims), denied=denied and asks, claims=claims)


def _asks_yes_no(text: str, lang: Lang) -> bool:
    if lang == "en":
        words = normalize(text.replace("'", "")).split()
        if not words or WH_EN & set(words):
            return False
        asked = text.rstrip().endswith("?") and any(
            word in AUX_EN and following in PRONOUNS_EN for word, following in zip(words, words[1:], strict=False))
        return words[0] in AUX_EN or asked or text.rstrip().endswith(("right?", "right"))
    if any(find_phrase(text, word) for word in WH_KO + REQUEST_KO):
        return False
    return text.rstrip().endswith("?") or bool(YES_NO_KO.search(text.strip()))


def _claims(text: str, mentions: Sequence[Mention], subject: Mention | None, kb: KnowledgeBase) -> tuple[str, ...]:
    aliases = {compact(alias): category.id for category in kb.categories for alias in category.aliases.all()}
    claims: list[str] = []
    for mention in mentions:
        if mention is subject or mention.kind == "detail" or (subject and mention.overlaps(subject)):
            continue
        category = mention.target if mention.kind == "category" else aliases.get(compact(mention.name))
        if category and category not in claims:
            claims.append(category)
    if not claims and any(m.kind == "detail" and m.target == DRAIN for m in mentions):
        claims.append(DRAIN)
    if not claims and any(find_phrase(text, word) for word in JUST_BIN_WORDS):
        claims.append("general")
    if not claims and any(find_phrase(text, word) for word in RECYCLE_WORDS):
        claims.append(RECYCLABLE)
    return tuple(claims)
