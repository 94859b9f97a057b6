"""What to do with the user's latest message: which tool to call with which arguments, or what to say.

Stateless by design: everything (the item a follow-up refers to, the place asked about before,
a pending question back) is read from the conversation history, so any worker can continue a
conversation. `Planner.plan` uses Kiwi: run it in the inference pool.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from talkline.agent.history import Message, ToolCall, ToolOutput, Turn, last_user_text
from talkline.profiles.eco import models
from talkline.profiles.eco.bulk import FeeTable, named_size
from talkline.profiles.eco.knowledge import KnowledgeBase, Lang
from talkline.profiles.eco.names import NameMatcher, shared_matcher
from talkline.profiles.eco.places import Gazetteer, Place
from talkline.profiles.eco.prices import PriceTable
from talkline.profiles.eco.text import find_phrase

DISPOSAL, BULK, CENTERS, PRICE, WEATHER = ("search_waste_disposal", "get_bulk_waste_info",
                                           "search_recycling_center", "get_recyclable_price", "get_weather")
TOOL_NAMES = (DISPOSAL, BULK, CENTERS, PRICE, WEATHER)
MAX_ITEM_CHARS = 100
MAX_TEXT_CHARS = 500

# words that signal what the user wants (Korean matched from the start of a word, English whole words)
WEATHER_WORDS = ("날씨", "기온", "비 와", "비와", "비가 와", "비 온", "눈 와", "눈이 와", "weather", "rain", "raining",
                 "forecast", "temperature", "snowing")
PRICE_WORDS = ("시세", "가격", "단가", "매입가", "고물상", "kg당", "킬로당", "키로당", "얼마에 팔", "얼마 받", "팔면",
               "price", "prices", "sell", "selling", "worth", "per kg", "per kilo", "scrap value", "pay for")
# a place search needs a place: these words ask for one ("근처", "nearest"); "where can I drop off
# expired medicine?" names none and is a disposal question
CENTER_WORDS = ("재활용센터", "재활용 센터", "재사용센터", "근처", "가까운", "주변", "near", "nearest", "nearby",
                "close to", "around here", "recycling center", "recycling centre", "reuse center", "reuse centre")
FEE_WORDS = ("수수료", "스티커", "비용", "요금", "얼마", "신고", "예약", "fee", "fees", "cost", "costs",
             "how much", "sticker", "book", "booking", "pick-up", "pickup")
BULK_WORDS = ("대형폐기물", "대형 폐기물", "대형쓰레기", "bulky", "large item")
FOLLOW_UP_CUES = ("그럼", "그러면", "그건", "그거", "그것", "이건", "이거", "저건", "그리고", "그럼요", "and the",
                  "and what", "what about", "how about", "and if", "what if", "then", "it", "its", "they", "them")
CENTER_KINDS: dict[str, tuple[str, ...]] = {
    "battery": ("건전지", "폐건전지", "배터리", "폐배터리", "battery", "batteries"),
    "lamp": ("형광등", "폐형광등", "전구", "조명", "lamp", "lamps", "bulb", "bulbs", "tube", "tubes"),
    "clothing": ("헌옷", "옷", "의류", "의류수거함", "clothes", "clothing"),
    "medicine": ("의약품", "폐의약품", "약국", "알약", "약", "medicine", "medicines", "pills", "drugs"),
    "small_electronics": ("휴대폰", "핸드폰", "소형가전", "소형 가전", "가전", "폐가전", "phone", "phones", "electronics"),
    "reuse_center": ("재활용센터", "재활용 센터", "재사용", "중고", "reuse", "second-hand", "recycling center",
                     "recycling centre"),
}
SAME_AS_KO = re.compile(r"도\s*(?:요|요\?|\?)?\s*$")  # "그럼 달걀껍질도?": the new item, asked about the last bin
SHORT_FOLLOW_UP_TERMS = 3  # "씻어야 돼요?", "얼마 들어요?": a short question that names nothing is about the last item
HOW_WORDS = ("어떻게", "어떡", "어케", "방법", "how do", "how should", "how to")
GREETINGS = ("안녕", "hello", "hi", "hey")
THANKS = ("고마", "감사", "땡큐", "thank", "thanks", "cheers")


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Plan:
    calls: tuple[Call, ...] = ()
    reply: str | None = None  # said directly, without a tool


@dataclass(frozen=True, slots=True)
class Answered:
    """One earlier tool call with its parsed result."""

    name: str
    arguments: dict[str, Any]
    result: dict[str, Any]


@dataclass(frozen=True)
class History:
    text: str  # the latest user message
    earlier: list[Answered] = field(default_factory=list)  # tool results before it, oldest first
    previous_text: str = ""  # the user message before the latest

    def last(self, *names: str) -> Answered | None:
        return next((answer for answer in reversed(self.earlier) if answer.name in names), None)


def read_history(turns: Sequence[Turn]) -> History:
    """The latest user message and every tool call answered before it."""
    calls: dict[str, ToolCall] = {}
    answered: list[Answered] = []
    users = [i for i, turn in enumerate(turns) if isinstance(turn, Message) and turn.role == "user"]
    last_user = users[-1] if users else len(turns)
    for turn in turns[:last_user]:
        if isinstance(turn, ToolCall):
            calls[turn.call_id] = turn
        elif isinstance(turn, ToolOutput) and turn.call_id in calls:
            call = calls[turn.call_id]
            answered.append(Answered(call.name, parse_json(call.arguments), parse_json(turn.output)))
    previous = turns[users[-2]] if len(users) > 1 else None
    text = last_user_text(list(turns)).strip()[:MAX_TEXT_CHARS]  # the work per question stays bounded
    return History(text=text, earlier=answered,
                   previous_text=previous.text if isinstance(previous, Message) else "")


def parse_json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {"text": text}
    return value if isinstance(value, dict) else {"value": value}


def says_any(text: str, phrases: Sequence[str]) -> bool:
    return any(find_phrase(text, phrase) for phrase in phrases)


class Planner:
    def __init__(self, kb: KnowledgeBase, places: Gazetteer, fees: FeeTable, prices: PriceTable,
                 matcher: NameMatcher | None = None) -> None:
        self.kb = kb
        self.places = places
        self.fees = fees
        self.prices = prices
        self.matcher = matcher or shared_matcher()

    def plan(self, turns: Sequence[Turn], lang: Lang) -> Plan:
        history = read_history(turns)
        text = history.text
        if not text:
            return Plan(reply=_prompt(lang))
        if _is_small_talk(text) and not self.matcher.find(text):
            return Plan(reply=_small_talk(text, lang))
        place = self.places.mentioned(text)
        if says_any(text, WEATHER_WORDS):
            return self._weather(history, place, lang)
        if says_any(text, PRICE_WORDS):
            return self._price(text, place, lang)
        if says_any(text, CENTER_WORDS):
            return self._centers(history, place, lang)
        if self._asks_fee(text):
            return self._bulk(text, place, lang)
        if (size := self._size_follow_up(history)) is not None:
            return size
        if (fee := self._fee_follow_up(history)) is not None:
            return fee
        if place is not None and not self._names_item(text) and (elsewhere := self._elsewhere(history, place, lang)):
            return elsewhere
        return Plan(calls=(Call(DISPOSAL, {"query": self._disposal_query(history)}),))

    def next_step(self, answered: Sequence[Answered]) -> Plan | None:
        """After a disposal answer that says "bulky waste", look up the fee too (once)."""
        if any(answer.name == BULK for answer in answered):
            return None
        for answer in answered:
            result = answer.result
            if answer.name != DISPOSAL or result.get("status") != "answer":
                continue
            if (result.get("category") or {}).get("group") == "bulk" and result.get("item"):
                item = models.content_phrase(result.get("query", ""))[:MAX_ITEM_CHARS] or result["item"]["name"]
                if self.fees.options(item) or self.fees.options(result["item"]["name"]):
                    return Plan(calls=(Call(BULK, {"item": item if self.fees.options(item) else result["item"]["name"]}),))
        return None

    # ------------------------------------------------------------------ intents
    def _weather(self, history: History, place: Place | None, lang: Lang) -> Plan:
        previous = history.last(WEATHER, CENTERS)
        location = place.name(lang) if place else (previous.arguments.get("location") if previous else None)
        return Plan(calls=(Call(WEATHER, {"location": location or ("서울" if lang == "ko" else "Seoul")}),))

    def _price(self, text: str, place: Place | None, lang: Lang) -> Plan:
        material = self.prices.material(text)
        arguments: dict[str, Any] = {"material": material.name(lang) if material else _content(text)}
        if place is not None:
            arguments["region"] = place.name(lang)
        return Plan(calls=(Call(PRICE, arguments),))

    def _centers(self, history: History, place: Place | None, lang: Lang) -> Plan:
        previous = history.last(CENTERS)
        kind = _center_kind(history.text) or (previous.arguments.get("type") if previous else None)
        location = place.name(lang) if place else (previous.arguments.get("location") if previous else None)
        if location is None:
            return Plan(reply="어느 동네 근처에서 찾아 드릴까요? 구 이름이나 가까운 역을 말씀해 주세요." if lang == "ko"
                        else "Which area should I search near? Tell me a district or a nearby station.")
        arguments: dict[str, Any] = {"location": location}
        if kind:
            arguments["type"] = kind
        return Plan(calls=(Call(CENTERS, arguments),))

    def _bulk(self, text: str, place: Place | None, lang: Lang) -> Plan:
        arguments: dict[str, Any] = {"item": (models.content_phrase(text) or text)[:MAX_ITEM_CHARS]}
        if place is not None and place.district:
            arguments["district"] = place.name(lang)
        return Plan(calls=(Call(BULK, arguments),))

    def _size_follow_up(self, history: History) -> Plan | None:
        """"3인용이면요?" after a bulky item's fee: the fee of that size."""
        previous = history.last(BULK)
        if previous is None or self._names_item(history.text):
            return None
        item = str(previous.arguments.get("item", ""))
        if not named_size(history.text, self.fees.options(item)):
            return None
        arguments = previous.arguments | {"item": f"{item} {history.text}"[:MAX_ITEM_CHARS]}
        return Plan(calls=(Call(BULK, arguments),))

    def _fee_follow_up(self, history: History) -> Plan | None:
        """"얼마예요?" after a bulky item's answer: its fee (items collected free are answered by the lookup)."""
        previous = history.last(DISPOSAL, BULK)
        if previous is None or not says_any(history.text, FEE_WORDS) or self._names_item(history.text):
            return None
        item = (previous.result.get("item") or {}).get("name") if previous.name == DISPOSAL else \
            previous.arguments.get("item")
        if not item or not self.fees.options(str(item)):
            return None
        return Plan(calls=(Call(BULK, {"item": str(item)[:MAX_ITEM_CHARS]}),))

    def _asks_fee(self, text: str) -> bool:
        return says_any(text, FEE_WORDS) and (says_any(text, BULK_WORDS) or bool(self.fees.options(text)))

    def _elsewhere(self, history: History, place: Place, lang: Lang) -> Plan | None:
        """"강남역은요?", "부산은?": the last place-based question again, for this place."""
        if says_any(history.previous_text, CENTER_WORDS) and not history.earlier[-1:]:
            return self._centers(History(history.previous_text, history.earlier), place, lang)
        previous = history.earlier[-1] if history.earlier else None
        if previous is None:
            return None
        if previous.name == CENTERS:
            return self._centers(history, place, lang)
        if previous.name == WEATHER:
            return Plan(calls=(Call(WEATHER, {"location": place.name(lang)}),))
        if previous.name == PRICE and "material" in previous.arguments:
            return Plan(calls=(Call(PRICE, {"material": previous.arguments["material"], "region": place.name(lang)}),))
        if previous.name == BULK and place.district and "item" in previous.arguments:
            return Plan(calls=(Call(BULK, {"item": previous.arguments["item"], "district": place.name(lang)}),))
        return None

    # ------------------------------------------------------------------ follow-ups
    def _disposal_query(self, history: History) -> str:
        """The question to look up. A follow-up that names no item ("그럼 뚜껑은?", "찌그러뜨려도 돼?",
        "종이로 버려도 돼?") is about the previous item; a newly named item always wins."""
        text = history.text
        previous = history.last(DISPOSAL)
        if previous is None:
            return text
        result = previous.result
        if self._names_item(text):
            return self._same_as(text, result)
        if result.get("status") == "clarify" and len(models.terms(text)) <= 3:
            return f"{previous.arguments.get('query', '')} {text}".strip()
        topic = (result.get("said") or result.get("matched_name")) if result.get("item") else None
        if result.get("status") == "answer" and topic and self._refers_back(text):
            return f"{topic}, {text}"  # the comma keeps names apart: "휴대폰, 배터리 안 빼도 돼?"
        return text

    def _same_as(self, text: str, result: dict[str, Any]) -> str:
        """"그럼 달걀껍질도?" after an answer about a bin: is the new item in that bin too?"""
        category = result.get("category") or {}
        if result.get("status") != "answer" or not category.get("id") or not SAME_AS_KO.search(text):
            return text
        name = self.kb.category(category["id"]).kind.ko
        return f"{SAME_AS_KO.sub('도', text.strip())} {name} 맞아?"

    def _names_item(self, text: str) -> bool:
        """Whether `text` names an item outright (a bare part word such as 뚜껑 does not count)."""
        mentions = self.matcher.find(text)
        parts = {(m.start, m.end) for m in mentions if m.kind == "detail"}
        return any(m.kind == "item" and (m.start, m.end) not in parts for m in mentions)

    def _refers_back(self, text: str) -> bool:
        """A part, a condition, a cue word, or a bin to check ("플라스틱이야?"), but not a new
        how-question about a whole category ("음쓰 어떻게 버려?")."""
        mentions = self.matcher.find(text)
        if any(m.kind == "detail" for m in mentions) or says_any(text, FOLLOW_UP_CUES):
            return True
        if not mentions and len(models.terms(text)) <= SHORT_FOLLOW_UP_TERMS:
            return True
        return any(m.kind == "category" for m in mentions) and not says_any(text, HOW_WORDS)


def _center_kind(text: str) -> str | None:
    for kind, words in CENTER_KINDS.items():
        if says_any(text, words):
            return kind
    return None


def _content(text: str) -> str:
    return " ".join(word.surface for word in models.content_words(text)) or text


def _is_small_talk(text: str) -> bool:
    """No content words, or only a greeting or thanks ("안녕하세요", "고마워요", "thanks!")."""
    content = models.terms(text)
    return not content or (len(content) <= 1 and says_any(text, GREETINGS + THANKS))


def _prompt(lang: Lang) -> str:
    return "버리려는 물건이 뭔지 말씀해 주세요." if lang == "ko" else "Tell me what you'd like to throw away."


def _small_talk(text: str, lang: Lang) -> str:
    if says_any(text, THANKS):
        return "천만에요. 또 궁금한 게 있으면 물어보세요." if lang == "ko" else "You're welcome. Ask me any time."
    if says_any(text, GREETINGS):
        return ("안녕하세요! 분리배출 도우미예요. 버리려는 물건을 말씀해 주시면 버리는 방법을 알려 드릴게요." if lang == "ko"
                else "Hi! I help with sorting rubbish in Korea. Tell me what you want to throw away.")
    return _prompt(lang)
