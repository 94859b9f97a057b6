"""`search_waste_disposal`: from a question to a disposal answer, a question back, or "not known".

The result is a JSON-ready dict that any agent can use: structured facts (item, category, the
category people wrongly expect) plus ready-to-speak sentences in the asker's language, so the
skill agent only chooses and orders them and an LLM can quote or rephrase them.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from talkline.profiles.eco import models
from talkline.profiles.eco.knowledge import Category, Item, KnowledgeBase, Lang
from talkline.profiles.eco.retrieval import Hit, WasteIndex, analyse
from talkline.profiles.eco.text import compact, detect_language, find_phrase, mentions_word, without_phrase

Status = Literal["answer", "clarify", "unknown"]

CONFIDENT = 0.5
NAMED = 0.99  # share of a name's letters in the question that counts as naming it outright
DENSE_SURE, DENSE_SPAN = 0.82, 0.10  # e5 similarity mapped to 0..1 over 0.82..0.92
TIE_MARGIN = 0.02  # two different things this close, neither named outright: ask which one
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_ITEM_SLOT = re.compile(r"\{item(?:\|([^}]+))?\}\s*")


def confidence(hit: Hit) -> float:
    """1 when one of the item's names is in the question; else letters and meaning must agree.

    One wrong jamo turns 안녕 into 안경 and 부산 into 우산, so a near-miss in letters alone is not
    enough: the meaning has to point the same way (우유펙 ~ 우유팩 does, 안녕 ~ 안경 does not).
    """
    if hit.lexical >= NAMED:
        return 1.0
    return (hit.lexical + (hit.dense - DENSE_SURE) / DENSE_SPAN) / 2


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def render(template: str, subject: str | None, lang: Lang) -> str:
    """Fill a `{item|은}` slot with the subject and its particle, or drop it ("they" in English)."""
    def fill(match: re.Match[str]) -> str:
        if lang == "ko":
            return f"{models.with_particle(subject, match.group(1) or '은')} " if subject else ""
        at_start = match.start() == 0
        spacing = match.group(0)[len(match.group(0).rstrip()):]
        return (subject or ("they" if at_start else "them")) + spacing

    text = _ITEM_SLOT.sub(fill, template).strip()
    return text[:1].upper() + text[1:]


class DisposalGuide:
    def __init__(self, kb: KnowledgeBase, index: WasteIndex) -> None:
        self.kb = kb
        self.index = index

    def lookup(self, query: str, lang: Lang) -> dict[str, Any]:
        """The `search_waste_disposal` tool result for `query`, in `lang`."""
        if options := self._clarification(query, lang):
            return options
        detail = self._detail_term(query)
        hits, detail_kind = self._search(query, detail)
        top = hits[0]
        if confidence(top) < CONFIDENT:
            return self._unknown(query, hits, lang)
        rival = next((hit for hit in hits[1:] if hit.category != top.category), None)
        if rival is not None and _too_close(top, rival):
            return self._ask_between(query, [top, rival], lang)
        return self._answer(query, top, hits, detail_kind, lang)

    # ------------------------------------------------------------------ understanding
    def _detail_term(self, query: str) -> tuple[str, str] | None:
        """The part or condition the question is about (뚜껑, label, 깨진), longest term first."""
        found = [(len(term), kind, term) for kind, terms in self.kb.detail_terms.items()
                 for term in terms.all() if find_phrase(query, term)]
        if not found:
            return None
        _, kind, term = max(found)
        return kind, term

    def _search(self, query: str, detail: tuple[str, str] | None) -> tuple[list[Hit], str | None]:
        """Search; for "페트병 뚜껑" the item is the bottle and the cap is a detail of it."""
        hits = self.index.search(query)
        if detail is None:
            return hits, None
        kind, term = detail
        top = hits[0]
        rest = without_phrase(query, term)
        narrowed = self.index.search(rest) if analyse(rest).terms else []
        best = narrowed[0] if narrowed else None
        if best is not None and best.kind == "item" and kind in self.kb.item(best.target).details \
                and confidence(best) >= CONFIDENT and not _more_specific(top, best, term):
            return narrowed, kind
        applies = top.kind == "item" and kind in self.kb.item(top.target).details
        return hits, kind if applies else None

    def _clarification(self, query: str, lang: Lang) -> dict[str, Any] | None:
        content = compact(analyse(query).content)
        for clarification in self.kb.clarify:
            if content in {compact(term) for term in clarification.terms.all()}:
                options = [self._option(self.kb.item(item_id), lang) for item_id in clarification.options]
                question = clarification.ask.get(lang)
                return _base("clarify", query, lang, self.kb) | {"question": question, "options": options,
                                                                  "summary": question}
        return None

    # ------------------------------------------------------------------ results
    def _answer(self, query: str, top: Hit, hits: list[Hit], detail: str | None, lang: Lang) -> dict[str, Any]:
        category = self.kb.category(top.category)
        item = self.kb.item(top.target) if top.kind == "item" else None
        name = _spoken_name(query, top, item, category, lang)
        result = _base("answer", query, lang, self.kb) | {
            "item": {"id": item.id, "name": item.name(lang)} if item else None,
            "category": {"id": category.id, "name": category.name.get(lang), "group": category.group},
            "matched_name": top.matched,
            "confidence": round(min(1.0, confidence(top)), 2),
            "alternatives": self._alternatives(top, hits, lang),
            "summary": f"{name} → {category.name.get(lang)}",
        }
        if item is None:
            return result | _category_answer(category, name, lang)
        exception = self._exception(item, name, lang)
        return result | {
            "action": render(category.action.get(lang), None if exception else name, lang),
            "advice": _advice(item, category, lang),
            "not_in": self._category_ref(item.not_in, lang),
            "exception": exception,
            "why": item.why.get(lang) if item.why else None,
            "detail": {"kind": detail, "answer": item.details[detail].get(lang)} if detail else None,
        }

    def _exception(self, item: Item, name: str, lang: Lang) -> str | None:
        """"닭뼈는 음식물쓰레기로 버리면 안 돼요." for items people put in the wrong place."""
        if item.not_in is None:
            return None
        wrong = self.kb.category(item.not_in).short.get(lang)
        if lang == "ko":
            return f"{models.with_particle(name, '은')} {models.with_particle(wrong, '으로')} 버리면 안 돼요."
        return f"{name[:1].upper()}{name[1:]} shouldn't go in {wrong}."

    def _unknown(self, query: str, hits: list[Hit], lang: Lang) -> dict[str, Any]:
        message = ("그건 제가 가진 분리배출 자료에 없어요. 구청이나 주민센터에 물어보시면 정확해요." if lang == "ko"
                   else "I don't have that item in my disposal guide. Your district office can tell you for sure.")
        closest = [self._hit_name(hit, lang) for hit in hits[:2]]
        return _base("unknown", query, lang, self.kb) | {"message": message, "closest_matches": closest,
                                                         "summary": message}

    def _ask_between(self, query: str, hits: list[Hit], lang: Lang) -> dict[str, Any]:
        names = [self._hit_name(hit, lang) for hit in hits]
        question = (f"{names[0]}인가요, {names[1]}인가요? 조금만 더 알려 주세요." if lang == "ko"
                    else f"Do you mean {names[0]} or {names[1]}?")
        options = [self._option(self.kb.item(hit.target), lang) if hit.kind == "item" else
                   {"id": hit.target, "name": names[i], "category": hit.category} for i, hit in enumerate(hits)]
        return _base("clarify", query, lang, self.kb) | {"question": question, "options": options,
                                                          "summary": question}

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


def _base(status: Status, query: str, lang: Lang, kb: KnowledgeBase) -> dict[str, Any]:
    return {"status": status, "query": query, "language": lang, "source": kb.source.get(lang)}


def _too_close(top: Hit, rival: Hit) -> bool:
    named = top.lexical >= NAMED or rival.lexical >= NAMED
    return not named and top.score - rival.score < TIE_MARGIN


def _category_answer(category: Category, name: str, lang: Lang) -> dict[str, Any]:
    """For a whole category ("음쓰 어떻게 버려?"): how that stream is put out."""
    intro = f"{models.with_particle(name, '은')} 이렇게 버리면 돼요." if lang == "ko" else f"Here is how to put out {name}."
    return {"action": intro, "advice": list(category.steps.get(lang)), "not_in": None, "exception": None,
            "why": None, "detail": None}


def _advice(item: Item, category: Category, lang: Lang) -> list[str]:
    if item.say:
        return sentences(item.say.get(lang))
    return [] if item.not_in else list(category.steps.get(lang))


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
