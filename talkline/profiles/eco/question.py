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
FREE, PAID = "free", "paid"  # "무료예요?" / "돈 내야 돼?": a claim about the fee, not the bin
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
COST_WORDS = ("얼마", "비용", "수수료", "돈", "how much", "cost", "costs", "fee", "fees")
FREE_WORDS = ("무료", "공짜", "무상", "free", "free of charge", "no charge")
PAID_WORDS = ("돈 내", "돈을 내", "돈 들", "돈이 들", "돈 드", "유료", "돈 받", "pay", "paid", "cost money", "costs money",
              "charge", "charged")
# "떼야 돼?", "씻어야 돼요?", "do I have to rinse it?": whether a step is needed; each family lists the
# words that ask for it and the stems that say it in an answer
NEEDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "remove": (("떼야", "떼어야", "뜯어야", "제거해야", "빼야", "분리해야", "벗겨야", "remove", "peel off", "take off",
                "take the"), ("떼", "뜯", "제거", "빼", "분리", "벗겨", "remove", "peel", "take off", "take the", "strip")),
    "wash": (("씻어야", "씻고", "헹궈야", "헹구어야", "세척해야", "씻어서 버려야", "rinse", "wash"),
             ("씻", "헹구", "헹궈", "헹군", "rinse", "wash")),
    "flatten": (("접어야", "펴야", "펼쳐야", "fold", "flatten"), ("접", "펴", "펼", "fold", "flat")),
    "empty": (("비워야", "empty"), ("비우", "비워", "비운", "empty")),
}
ASK_NEED_EN = ("do i need to", "do i have to", "should i", "must i", "have to", "need to")
JUST_BIN_WORDS = ("그냥 버려", "그냥 버리", "그냥 쓰레기", "그냥 내놔", "그냥 내놓", "그냥 내도", "그대로 내놔", "그대로 내놓",
                  "그대로 버려", "아무 데나", "쓰레기통에", "in the trash", "in the bin",
                  "in the garbage", "just throw", "regular trash", "normal trash", "normal bin")


@dataclass(frozen=True, slots=True)
class Asked:
    yes_no: bool
    denied: bool  # the question denies the claim ("음식물 아니지?")
    claims: tuple[str, ...]  # category ids, RECYCLABLE, DRAIN, FREE or PAID
    needs: tuple[str, ...] = ()  # stems of a step asked about ("떼야 돼?"): the answer says yes if it has one
    cost: bool = False  # "얼마 들어요?", "how much": the answer opens with the cost when it knows it is free


def read_question(text: str, mentions: Sequence[Mention], subject: Mention | None, kb: KnowledgeBase,
                  lang: Lang) -> Asked:
    claims = _claims(text, mentions, subject, kb)
    asks = _asks_yes_no(text, lang) and len(claims) == 1  # "paper or plastic?" is a choice, not yes/no
    denied = lang == "ko" and any(word in compact(text) for word in map(compact, DENIAL_KO))
    needs = _needs(text, lang) if _asks_yes_no(text, lang) and not claims else ()
    cost = any(find_phrase(text, word) for word in COST_WORDS)
    return Asked(yes_no=asks and bool(claims), denied=denied and asks, claims=claims, needs=needs, cost=cost)


def _needs(text: str, lang: Lang) -> tuple[str, ...]:
    """The stems that would say the asked-about step is needed, when the question asks whether it is."""
    if lang == "en" and not any(find_phrase(text, ask) for ask in ASK_NEED_EN):
        return ()
    for asks, stems in NEEDS.values():
        if any(find_phrase(text, word) for word in asks):
            return stems
    return ()


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
    if not claims and any(find_phrase(text, word) for word in FREE_WORDS):
        claims.append(FREE)
    if not claims and any(find_phrase(text, word) for word in PAID_WORDS):
        claims.append(PAID)
    if not claims and any(find_phrase(text, word) for word in JUST_BIN_WORDS):
        claims.append("general")
    if not claims and any(find_phrase(text, word) for word in RECYCLE_WORDS):
        claims.append(RECYCLABLE)
    return tuple(claims)
