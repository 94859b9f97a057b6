"""`search_waste_disposal`: from a question to a disposal answer, a question back, or "not known".

Understanding comes first from names said outright (`names.NameMatcher`: any spacing, particles,
listed misspellings); only when the question names no item does fuzzy retrieval (`retrieval`) guess
from letters and meaning, which tolerates speech-recognition errors. The result is a JSON-ready
dict that any agent can use: structured facts (item, category, condition, the asker's expected bin
and the verdict) plus `answer`, up to three sentences to speak in the asker's language, so the
skill agent speaks them as they are and an LLM can quote or rephrase them.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from talkline.profiles.eco import models
from talkline.profiles.eco.answers import AnswerWriter, render, sentences
from talkline.profiles.eco.knowledge import Category, Detail, Item, KnowledgeBase, Lang
from talkline.profiles.eco.names import Mention, NameMatcher
from talkline.profiles.eco.question import Asked, read_question
from talkline.profiles.eco.retrieval import Hit, WasteIndex, analyse
from talkline.profiles.eco.text import compact, detect_language, find_phrase, mentions_word, without_phrase

__all__ = ["DisposalGuide", "confidence", "render", "sentences"]

Status = Literal["answer", "clarify", "unknown"]

SOURCE_BEFORE = re.compile(r"\b(?:from|off|out of)\s+(?:(?:a|an|the|my|our|this|that|some)\s+)?$", re.IGNORECASE)
MAX_QUERY_CHARS = 300  # the work per question stays bounded whatever is sent
CONFIDENT = 0.5
NAMED = 0.99  # share of a name's letters in the question that counts as naming it outright
DENSE_SURE, DENSE_SPAN = 0.82, 0.10  # e5 similarity mapped to 0..1 over 0.82..0.92
TIE_MARGIN = 0.02  # two different things this close, neither named outright: ask which one
COORDINATING = frozenset({"랑", "이랑", "하고", "와", "과", "및", "도"})
RECYCLE_TERMS = frozenset({"재활용", "분리수거", "분리", "recyclabl", "recycl", "쓰레기", "일반"})
APPLIANCE_PICKUP = {"name": {"ko": "폐가전 무상 방문수거", "en": "Free appliance pick-up"}, "phone": "1599-0903",
                    "url": "https://15990903.or.kr"}


def confidence(hit: Hit) -> float:
    """1 when one of the item's names is in the question; else letters and meaning must agree.

    One wrong jamo turns 안녕 into 안경 and 부산 into 우산, so a near-miss in letters alone is not
    enough: the meaning has to point the same way (우유펙 ~ 우유팩 does, 안녕 ~ 안경 does not).
    """
    if hit.lexical >= NAMED:
        return 1.0
    return (hit.lexical + (hit.dense - DENSE_SURE) / DENSE_SPAN) / 2


class DisposalGuide:
    def __init__(self, kb: KnowledgeBase, index: WasteIndex, matcher: NameMatcher | None = None) -> None:
        self.kb = kb
        self.index = index
        self.matcher = matcher or NameMatcher(kb)
        self.writer = AnswerWriter(kb)
        self._aliases = {compact(alias) for category in kb.categories for alias in category.aliases.all()}

    def lookup(self, query: str, lang: Lang) -> dict[str, Any]:
        """The `search_waste_disposal` tool result for `query`, in `lang`."""
        query = query[:MAX_QUERY_CHARS]
        if options := self._clarification(query, lang):
            return options
        mentions = self.matcher.find(query)
        subject = self._subject(mentions, query)
        if subject is None and (named := self._named_category(query, mentions)) is not None:
            asked = read_question(query, mentions, named, self.kb, lang)
            category = self.kb.category(named.target)
            return self._category_answer(query, category, query[named.start:named.end], asked, lang)
        if subject is not None and (other := self._coordinated(mentions, subject)) is not None:
            return self._both(query, other, subject, mentions, lang)
        if subject is not None:
            item = self.kb.item(subject.target)
            asked = read_question(query, mentions, subject, self.kb, lang)
            said = subject.name if subject.misspelt else query[subject.start:subject.end]
            return self._answer(query, item, said, 1.0, self._detail(mentions, item), asked, [], lang,
                                matched=subject.name)
        return self._guess(query, mentions, lang)

    # ------------------------------------------------------------------ understanding
    def _subject(self, mentions: list[Mention], query: str = "") -> Mention | None:
        """The item asked about: the one marked as topic (은/는/이/가), else the last one named, as the
        thing thrown away stands right before the verb ("고기 밑에 깔린 스티로폼 접시 어디 버려") and
        an English head noun comes last ("glass jam jar"). A word that also names a bin (스티로폼,
        투명 페트병) is the bin the asker guesses when another item is named, and a bare part word
        (뚜껑) yields to a named item that has that part (페트병 뚜껑 is about the bottle)."""
        details = {(m.start, m.end): m.target for m in mentions if m.kind == "detail"}
        items = [m for m in mentions if m.kind == "item"]
        owners = [m for m in items if (m.start, m.end) not in details]
        parts = [m for m in items if (m.start, m.end) in details]
        for part in parts:
            kind = details[(part.start, part.end)]
            if not any(self.kb.detail(self.kb.item(owner.target), kind) for owner in owners):
                owners.append(part)
        owners = [m for m in owners if not _source(query, m)] or owners
        things = [m for m in owners if compact(m.name) not in self._aliases] or owners
        if not things:
            return None
        return next((m for m in things if m.topic), max(things, key=lambda m: m.start))

    def _coordinated(self, mentions: list[Mention], subject: Mention) -> Mention | None:
        """The other item of "뽁뽁이랑 박스", "cans and bottles": both are asked about."""
        items = [m for m in mentions if m.kind == "item" and m.target != subject.target]
        for first in items:
            if first.end <= subject.start and first.particle in COORDINATING:
                return first
        return None

    def _both(self, query: str, first: Mention, second: Mention, mentions: list[Mention], lang: Lang) -> dict[str, Any]:
        """One sentence for each of two items asked about together."""
        answers = []
        for mention in (first, second):
            item = self.kb.item(mention.target)
            asked = read_question(query, [mention], mention, self.kb, lang)
            answers.append(self._answer(query, item, query[mention.start:mention.end], 1.0, None, asked, [], lang,
                                        matched=mention.name))
        result = answers[0]
        result["answer"] = [answers[0]["answer"][0], answers[1]["answer"][0]]
        result["also"] = {key: answers[1][key] for key in ("item", "category", "matched_name", "answer")}
        result["summary"] = f"{answers[0]['summary']}; {answers[1]['summary']}"
        return result

    def _named_category(self, query: str, mentions: list[Mention]) -> Mention | None:
        """A whole category named with nothing else to look up ("음쓰 어떻게 버려?", "Is styrofoam recyclable?")."""
        categories = [m for m in mentions if m.kind == "category"]
        if not categories:
            return None
        rest = query
        for mention in sorted(mentions, key=lambda m: -m.start):
            rest = f"{rest[:mention.start]} {rest[mention.end:]}"
        leftover = [term for term in analyse(rest).terms if term not in RECYCLE_TERMS]
        return categories[0] if not leftover else None

    def _detail(self, mentions: list[Mention], item: Item) -> tuple[str, Detail] | None:
        """The part or condition asked about that this item has an answer for, longest term first."""
        found = sorted((m for m in mentions if m.kind == "detail"), key=lambda m: m.start - m.end)
        for mention in found:
            if detail := self.kb.detail(item, mention.target):
                return mention.target, detail
        return None

    def _guess(self, query: str, mentions: list[Mention], lang: Lang) -> dict[str, Any]:
        """No item named outright: a sound-alike name (cheap), else retrieval by letters and meaning."""
        if (near := self.index.sounds_like(query)) is not None and near.kind == "item":
            item = self.kb.item(near.target)
            asked = read_question(query, mentions, None, self.kb, lang)
            return self._answer(query, item, item.name(lang), near.score, self._detail(mentions, item), asked, [],
                                lang, matched=near.matched)
        term = next((m for m in mentions if m.kind == "detail"), None)
        hits, detail_kind = self._search(query, (term.target, term.name) if term else None)
        top = hits[0]
        if confidence(top) < CONFIDENT:
            return self._unknown(query, hits, lang)
        rival = next((hit for hit in hits[1:] if hit.category != top.category), None)
        if rival is not None and _too_close(top, rival):
            return self._ask_between(query, [top, rival], lang)
        if top.kind == "category" and any(m.kind == "category" for m in mentions):
            return self._unknown(query, hits, lang)  # "두리안 껍질 음쓰야?": the bin is named, the thing is not known
        if top.kind == "category":
            category = self.kb.category(top.target)
            name = _spoken_name(query, top, None, category, lang)
            asked = read_question(query, mentions, None, self.kb, lang)
            return self._category_answer(query, category, name, asked, lang, top=top)
        item = self.kb.item(top.target)
        name = _spoken_name(query, top, item, self.kb.category_of(item), lang)
        detail = (detail_kind, self.kb.detail(item, detail_kind)) if detail_kind else None
        subject = Mention("item", item.id, top.matched, 0, 0)
        asked = read_question(query, mentions, subject, self.kb, lang)
        return self._answer(query, item, name, min(1.0, confidence(top)), detail, asked,  # type: ignore[arg-type]
                            self._alternatives(top, hits, lang), lang, matched=top.matched)

    def _search(self, query: str, detail: tuple[str, str] | None) -> tuple[list[Hit], str | None]:
        """Search; for "페투병 뚜껑" the item is the bottle and the cap is a detail of it."""
        hits = self.index.search(query)
        if detail is None:
            return hits, None
        kind, term = detail
        top = hits[0]
        rest = without_phrase(query, term)
        narrowed = self.index.search(rest) if analyse(rest).terms else []
        best = narrowed[0] if narrowed else None
        if best is not None and best.kind == "item" and self.kb.detail(self.kb.item(best.target), kind) \
                and confidence(best) >= CONFIDENT and not _more_specific(top, best, term):
            return narrowed, kind
        applies = top.kind == "item" and self.kb.detail(self.kb.item(top.target), kind) is not None
        return hits, kind if applies else None

    def _clarification(self, query: str, lang: Lang) -> dict[str, Any] | None:
        content = compact(analyse(query).content)
        for clarification in self.kb.clarify:
            if content in {compact(term) for term in clarification.terms.all()}:
                options = [self._option(self.kb.item(item_id), lang) for item_id in clarification.options]
                question = clarification.ask.get(lang)
                return _base("clarify", query, lang, self.kb) | {"question": question, "options": options,
                                                                  "summary": question, "answer": [question]}
        return None

    # ------------------------------------------------------------------ results
    def _answer(self, query: str, item: Item, said: str, sure: float, detail: tuple[str, Detail] | None,
                asked: Asked, alternatives: list[dict[str, Any]], lang: Lang, *, matched: str | None = None
                ) -> dict[str, Any]:
        # the asker's own word, unless it is Korean in an English answer (declared language wins)
        name = said if detect_language(said) == lang or (matched is not None and lang == "ko") else item.name(lang)
        category = self.kb.category_of(item)
        where = self.kb.category(detail[1].category) if detail and detail[1].category else category
        verdict = self.writer.verdict(where, asked, item)
        answer = self.writer.item(item, name, detail, asked, lang)
        result = _base("answer", query, lang, self.kb) | {
            "item": {"id": item.id, "name": item.name(lang)},
            "category": {"id": where.id, "name": where.name.get(lang), "group": where.group},
            "matched_name": matched or said,
            "said": name,  # the item as the asker called it, for follow-ups
            "confidence": round(sure, 2),
            "alternatives": alternatives,
            "asked": {"yes_no": asked.yes_no, "expected": list(asked.claims), "denied": asked.denied},
            "verdict": None if verdict is None else ("yes" if verdict else "no"),
            "answer": answer,
            "summary": f"{name} → {where.name.get(lang)}",
            "action": render(category.action.get(lang), name, lang),
            "not_in": self._category_ref(item.not_in, lang),
            "why": item.why.get(lang) if item.why else None,
            "detail": {"kind": detail[0], "answer": detail[1].get(lang)} if detail else None,
        }
        if category.id == "electronics" or "1599-0903" in " ".join(answer):
            result["service"] = {"name": APPLIANCE_PICKUP["name"][lang], "phone": APPLIANCE_PICKUP["phone"],
                                 "url": APPLIANCE_PICKUP["url"]}
        return result

    def _category_answer(self, query: str, category: Category, name: str, asked: Asked, lang: Lang, *,
                         top: Hit | None = None) -> dict[str, Any]:
        """For a whole category ("음쓰 어떻게 버려?"): how that stream is put out."""
        verdict = self.writer.verdict(category, asked)
        return _base("answer", query, lang, self.kb) | {
            "item": None,
            "category": {"id": category.id, "name": category.name.get(lang), "group": category.group},
            "matched_name": top.matched if top else name, "confidence": round(min(1.0, confidence(top)), 2) if top else 1.0,
            "alternatives": [], "asked": {"yes_no": asked.yes_no, "expected": list(asked.claims), "denied": asked.denied},
            "verdict": None if verdict is None else ("yes" if verdict else "no"),
            "answer": self.writer.category(category, name, asked, lang), "summary": f"{name} → {category.name.get(lang)}",
            "action": None, "not_in": None, "why": None, "detail": None,
        }

    def _unknown(self, query: str, hits: list[Hit], lang: Lang) -> dict[str, Any]:
        message = ("그건 제가 가진 분리배출 자료에 없어요. 구청이나 주민센터에 물어보시면 정확해요." if lang == "ko"
                   else "I don't have that item in my disposal guide. Your district office can tell you for sure.")
        closest = [self._hit_name(hit, lang) for hit in hits[:2]]
        return _base("unknown", query, lang, self.kb) | {"message": message, "closest_matches": closest,
                                                         "summary": message, "answer": sentences(message)}

    def _ask_between(self, query: str, hits: list[Hit], lang: Lang) -> dict[str, Any]:
        names = [self._hit_name(hit, lang) for hit in hits]
        question = (f"{names[0]}인가요, {names[1]}인가요?" if lang == "ko"
                    else f"Do you mean {names[0]} or {names[1]}?")
        options = [self._option(self.kb.item(hit.target), lang) if hit.kind == "item" else
                   {"id": hit.target, "name": names[i], "category": hit.category} for i, hit in enumerate(hits)]
        return _base("clarify", query, lang, self.kb) | {"question": question, "options": options,
                                                          "summary": question, "answer": [question]}

    def _alternatives(self, top: Hit, hits: list[Hit], lang: Lang) -> list[dict[str, Any]]:
        others: dict[str, str] = {}
        for hit in hits[1:]:
            if hit.category != top.category and confidence(hit) >= CONFIDENT and len(others) < 2:
                others.setdefault(self._hit_name(hit, lang), self.kb.category(hit.category).name.get(lang))
        return [{"name": name, "category": category} for name, category in others.items()]

    def _option(self, item: Item, lang: Lang) -> dict[str, Any]:
        return {"id": item.id, "name": item.name(lang), "category": self.kb.category_of(item).name.get(lang)}

    def _category_ref(self, category_id: str | None, lang: Lang) -> dict[str, str] | None:
        if category_id is None:
            return None
        return {"id": category_id, "name": self.kb.category(category_id).name.get(lang)}

    def _hit_name(self, hit: Hit, lang: Lang) -> str:
        if hit.kind == "item":
            return self.kb.item(hit.target).name(lang)
        return self.kb.category(hit.target).name.get(lang)


def _source(query: str, mention: Mention) -> bool:
    """"styrofoam from a delivery box": the thing it came from is not what is thrown away."""
    return bool(SOURCE_BEFORE.search(query[:mention.start]))


def _base(status: Status, query: str, lang: Lang, kb: KnowledgeBase) -> dict[str, Any]:
    return {"status": status, "query": query, "language": lang, "source": kb.source.get(lang)}


def _too_close(top: Hit, rival: Hit) -> bool:
    named = top.lexical >= NAMED or rival.lexical >= NAMED
    return not named and top.score - rival.score < TIE_MARGIN


def _more_specific(top: Hit, narrowed: Hit, term: str) -> bool:
    """Whether the full question's best name includes the condition and is at least as specific:
    "깨진 유리병" beats 유리병 + broken; "플라스틱 뚜껑" loses to 플라스틱 컵 + cap."""
    if top.lexical < NAMED or not mentions_word(top.matched, term) or compact(top.matched) == compact(term):
        return False
    return len(compact(top.matched).replace(compact(term), "")) >= len(compact(narrowed.matched))


def _spoken_name(query: str, hit: Hit, item: Item | None, category: Category, lang: Lang) -> str:
    """The user's own word when they said it (생수병, laptop ~ laptops), else our display name."""
    said = find_phrase(models.letter_text(query), models.letter_text(hit.matched))
    if said and detect_language(hit.matched) == lang:
        return hit.matched
    return item.name(lang) if item else category.name.get(lang)
