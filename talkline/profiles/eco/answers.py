"""The spoken answer to a disposal question: at most three short sentences, the answer first.

- A yes/no question gets 네/아니요 (yes/no) and the bin in the first sentence.
- A question about a part or a condition (뚜껑, greasy, a lot) gets that answer first.
- Otherwise the first sentence says where the item goes; a reason follows only for items people
  often put in the wrong bin, then the item's own advice. The category people expect is named only
  when the asker named it: "우산은 캔·고철류로 버리면 안 돼요" to someone who never mentioned metal
  is an answer to a question nobody asked.
"""

from __future__ import annotations

import re

from talkline.profiles.eco import models
from talkline.profiles.eco.knowledge import Category, Detail, Item, KnowledgeBase, Lang
from talkline.profiles.eco.question import DRAIN, FREE, PAID, RECYCLABLE, Asked
from talkline.profiles.eco.text import compact

MAX_SENTENCES = 3
NOT_ARE = {True: "aren't", False: "isn't"}
NOT_DO = {True: "don't", False: "doesn't"}
FREE_TERMS = ("무상", "무료", "free", "no cost")
_NOT_RECYCLED = "재활용이 안 돼요."
DRAIN_WORDS = ("싱크대", "하수구", "배수", "변기", "drain", "sink", "toilet")
NOT_NEEDED_SAYS = ("그대로 두어도", "그대로 둬도", "안 떼도", "안 씻어도", "않아도 돼", "필요 없", "can stay", "no need",
                   "don't need to", "needn't")
NOT_NEEDED = ("안 ", "않아도", "필요 없", "없어도", "don't", "no need", "needn't")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_ITEM_SLOT = re.compile(r"\{item(?:\|([^}]+))?\}\s*")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def render(template: str, subject: str | None, lang: Lang) -> str:
    """Fill a `{item|은}` slot with the subject and its particle, or drop it ("they" in English)."""
    def fill(match: re.Match[str]) -> str:
        if lang == "ko":
            return f"{models.with_particle(_acronym(subject), match.group(1) or '은')} " if subject else ""
        at_start = match.start() == 0
        spacing = match.group(0)[len(match.group(0).rstrip()):]
        return (subject or ("they" if at_start else "them")) + spacing

    text = _ITEM_SLOT.sub(fill, template).strip()
    return text[:1].upper() + text[1:]


def _acronym(name: str) -> str:
    """A short Latin name in Korean speech is an acronym: "cd는" is written "CD는", "led" "LED"."""
    return name.upper() if re.fullmatch(r"[A-Za-z]{1,3}", name) else name


def copula(word: str) -> str:
    """이에요 after a final consonant, 예요 after a vowel: 일반쓰레기예요, 종이팩이에요."""
    last = word.rstrip()[-1:]
    if "가" <= last <= "힣":
        return f"{word}이에요" if (ord(last) - 0xAC00) % 28 else f"{word}예요"
    return f"{word}이에요"


def plural(name: str) -> bool:
    word = name.split()[-1].lower() if name.split() else ""
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


class AnswerWriter:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def item(self, item: Item, name: str, detail: tuple[str, Detail] | None, asked: Asked, lang: Lang) -> list[str]:
        category = self.kb.category(detail[1].category) if detail and detail[1].category else \
            self.kb.category_of(item)
        verdict = self.verdict(category, asked, item)
        if detail is not None:
            text = detail[1].get(lang)
            if verdict is None and asked.needs:  # "라벨 떼야 돼?": 네 when the answer says to, 아니요 when it says no need
                verdict = True if _says_needed(text, asked.needs) else False if _says_not_needed(text) else None
            return _fit(self._detail(item, name, text, verdict, lang))
        return _needed_first(self._item(item, name, category, verdict, asked, lang), asked, lang)

    def _item(self, item: Item, name: str, category: Category, verdict: bool | None, asked: Asked,
              lang: Lang) -> list[str]:
        why = sentences(item.why.get(lang)) if item.why else []
        how = sentences(item.say.get(lang)) if item.say else self._steps(item, lang)
        if item.lead and item.mostly is not None and (verdict is None or asked.claims[0] != DRAIN):
            return _fit([*self._branches(item, name, category, asked, lang), *how])
        action = item.lead or category.action
        if verdict is None:
            lead = render(action.get(lang), _article(name, lang), lang)
            if asked.cost and self._free(category, item):
                lead = f"{models.with_particle(_acronym(name), '은')} 버리는 데 돈이 들지 않아요." if lang == "ko" \
                    else f"Getting rid of {_article(name, lang)} costs nothing."
            return _fit([lead, *why, *(_without_bin(line, lead) for line in how)] if lang == "ko" else
                        [lead, *why, *(_without_bin_en(line, lead) for line in how)])
        lead = self._verdict_sentence(verdict, name, category, asked, lang)
        if lang == "ko" and asked.claims[0] == RECYCLABLE and _NOT_RECYCLED in lead:
            reason = next((line for line in (*why, *how) if line.endswith(_NOT_RECYCLED) and not _subject_phrase(line)),
                          None)
            if reason is not None:  # the reason said once, inside the no: "볼펜은 여러 재질이 섞여 있어서 재활용이 안 돼요"
                lead = lead.replace(_NOT_RECYCLED, reason, 1)
                why, how = [line for line in why if line != reason], [line for line in how if line != reason]
        place = render(item.lead.get(lang), None if lang == "ko" else _article(name, lang), lang) if item.lead else ""
        if asked.claims[0] == DRAIN and not verdict:  # "하수구에 부어도 돼?" is answered by the first sentence
            how = [line for line in how if not any(word in line.lower() for word in DRAIN_WORDS)]
        if lang == "en":
            how = [_without_bin_en(line, f"{lead} {place}") for line in how]
        return _fit([lead, place, *(why if not verdict or item.not_in else []), *how])

    def category(self, category: Category, name: str, asked: Asked, lang: Lang) -> list[str]:
        steps = list(category.steps.get(lang))
        verdict = self.verdict(category, asked)
        if verdict is not None:
            return _fit([self._verdict_sentence(verdict, name, category, asked, lang, article=False), *steps])
        if lang == "ko":
            lead = f"{models.with_particle(name, '은')} {steps[0]}"
        else:
            lead = f"For {name}: {steps[0][:1].lower()}{steps[0][1:]}"
        return _fit([lead, *steps[1:]])

    def verdict(self, category: Category, asked: Asked, item: Item | None = None) -> bool | None:
        """Whether the asker's expectation holds, as 네/yes agrees with it (None: not a yes/no question)."""
        if not asked.yes_no:
            return None
        claimed = asked.claims[0]
        if claimed == RECYCLABLE:
            holds = category.group == "recyclable"
        elif claimed == DRAIN:
            holds = bool(item and item.drain_ok)
        elif claimed in (FREE, PAID):
            holds = self._paid(category, item) == (claimed == PAID)
        else:
            holds = category.id == claimed
        return holds != asked.denied

    def _paid(self, category: Category, item: Item | None) -> bool:
        """Whether putting it out costs a fee: bulky waste does, unless its advice says it is collected free."""
        return category.group == "bulk" and not self._free(category, item)

    def _free(self, category: Category, item: Item | None) -> bool:
        """Whether its advice says it is taken for free (appliance pick-up, collection boxes that say so)."""
        said = " ".join(text.get(lang) for text in (item.say if item else None, item.lead if item else None,
                                                     category.action) if text for lang in ("ko", "en"))
        steps = " ".join((*category.steps.ko, *category.steps.en))
        return any(term in f"{said} {steps}" for term in FREE_TERMS)

    def _branches(self, item: Item, name: str, category: Category, asked: Asked, lang: Lang) -> list[str]:
        """Both branches of a two-way item (pulp or plastic egg trays, a little or a lot of oil);
        a yes/no question gets 네 only when the usual case is the one asked about."""
        lead = item.lead.get(lang) if item.lead else ""
        if lang == "ko":
            branches = sentences(render(lead, None if asked.yes_no else name, lang))
        else:
            branches = sentences(render(lead, _article(name, lang), lang))
        if asked.yes_no and item.mostly and asked.claims[0] == category.id and not asked.denied:
            usually = f"네, {models.with_particle(name, '은')} 대부분 {copula(category.kind.ko)}." if lang == "ko" \
                else f"Yes, most {name} go in {category.short.en}."
            return [usually, *branches]
        if asked.yes_no and lang == "ko":
            branches[0] = f"{models.with_particle(name, '은')} {branches[0]}"
        return branches

    def _detail(self, item: Item, name: str, text: str, verdict: bool | None, lang: Lang) -> list[str]:
        """The answer about a part or a condition, naming the item when the answer does not."""
        lines = sentences(text)
        first = lines[0]
        said = {compact(word) for word in (*item.names(), name)}
        named = any(word and word in compact(_subject_phrase(first) if lang == "ko" else first) for word in said)
        opening = ""
        for word in (("네", "아니요") if lang == "ko" else ("Yes", "No")):
            if first.startswith(word):
                opening, first = word, first[len(word):].lstrip(" ,:")
        if verdict is not None and not opening:
            opening = _yes_no(verdict, lang)
        if not named and lang == "ko":  # "페트병 뚜껑은 …" when the answer opens with its topic, else "페트병은 …"
            first = f"{name} {first}" if _subject_phrase(first) else f"{models.with_particle(name, '은')} {first}"
        elif not named:
            first = f"For {_article(name, lang)}, {first[:1].lower()}{first[1:]}"
        if opening and lang == "ko":
            first = f"{opening}, {first}"
        elif opening:
            first = f"{opening}: {first if first.startswith('I ') else first[:1].lower() + first[1:]}"
        return [first, *lines[1:]]

    def _steps(self, item: Item, lang: Lang) -> list[str]:
        """The category's preparation steps, for items with no advice of their own (not for general
        waste, whose steps say nothing about the item)."""
        category = self.kb.category_of(item)
        if item.why or item.lead or category.group == "general":
            return []
        return list(category.steps.get(lang))

    def _verdict_sentence(self, agree: bool, name: str, category: Category, asked: Asked, lang: Lang, *,
                          article: bool = True) -> str:
        holds = agree != asked.denied
        claimed = asked.claims[0]
        if lang == "ko":
            subject = models.with_particle(name, "은")
            kind = category.kind.ko
            if claimed == RECYCLABLE:
                return f"네, {subject} {models.with_particle(kind, '으로')} 재활용돼요." if holds else \
                    f"{'네' if asked.denied else '아니요'}, {subject} 재활용이 안 돼요. {models.with_particle(kind, '으로')} 버려야 해요."
            if claimed == DRAIN:
                return f"네, {subject} 건더기를 거른 물은 싱크대에 흘려 보내도 돼요." if holds else \
                    f"아니요, {subject} 하수구나 싱크대, 변기에 버리면 안 돼요."
            if claimed in (FREE, PAID):
                paid = holds == (claimed == PAID)
                return f"{'네' if holds else '아니요'}, {subject} " + \
                    ("배출 수수료를 내야 해요." if paid else "버리는 데 돈이 들지 않아요.")
            if holds:
                return f"아니요, {subject} {models.with_particle(kind, '이')} 맞아요." if asked.denied else \
                    f"네, {subject} {copula(kind)}."
            other = self.kb.category(claimed).kind.ko
            return f"{'네' if asked.denied else '아니요'}, {subject} {models.with_particle(other, '이')} 아니라 " \
                   f"{copula(kind)}."
        many = plural(name)
        the = _article(name, lang) if article else name
        where = category.short.en
        goes = "they go" if many else "it goes"
        if claimed == RECYCLABLE:
            return f"Yes, {the} {'are' if many else 'is'} recyclable: {goes} in {where}." if holds else \
                f"No, {the} {NOT_ARE[many]} recyclable: {goes} in {where}."
        if claimed == DRAIN:
            return f"Yes, once strained, {the} can go down the sink." if holds else \
                f"No, never pour {the} down the drain, the sink or the toilet."
        if claimed in (FREE, PAID):
            paid = holds == (claimed == PAID)
            return f"{'Yes' if holds else 'No'}, " + (f"{the} {'need' if many else 'needs'} a disposal fee." if paid
                                                      else f"getting rid of {the} costs nothing.")
        if holds:
            return f"Yes, {the} {'go' if many else 'goes'} in {where}."
        other = self.kb.category(claimed).short.en
        return f"No, {the} {NOT_DO[many]} go in {other}: {goes} in {where}."


def _says_needed(text: str, stems: tuple[str, ...]) -> bool:
    """Whether an answer says the asked-about step is needed ("떼어 주세요"), not that it isn't."""
    lowered = text.lower()
    return bool(stems) and any(stem in lowered for stem in stems) and not any(no in lowered for no in NOT_NEEDED)


def _says_not_needed(text: str) -> bool:
    lowered = text.lower()
    return any(phrase in lowered for phrase in NOT_NEEDED_SAYS)


def _needed_first(lines: list[str], asked: Asked, lang: Lang) -> list[str]:
    """"씻어야 돼요?": 네 and the sentence with that step first, when the answer has one (the next
    sentence names the item)."""
    if not asked.needs or asked.yes_no:
        return lines
    found = next((line for line in lines if _says_needed(line, asked.needs)), None)
    if found is None:
        return lines
    rest = [line for line in lines if line is not found]
    return _fit([f"Yes: {found[:1].lower()}{found[1:]}" if lang == "en" else f"네, {found}", *rest])


def _article(name: str, lang: Lang) -> str:
    """English: "the pizza box" for one thing; plurals and Korean stay as they are."""
    if lang == "ko" or plural(name) or name.lower().startswith(("the ", "a ", "an ", "my ", "your ")):
        return name
    return f"the {name}"


def _yes_no(agree: bool, lang: Lang) -> str:
    return ("네" if agree else "아니요") if lang == "ko" else ("Yes" if agree else "No")


def _fit(lines: list[str]) -> list[str]:
    """At most three sentences, none saying again what an earlier one said."""
    kept: list[str] = []
    for line in (sentence for text in lines for sentence in sentences(text)):
        key = compact(line)
        if key and not any(_repeats(key, compact(earlier)) for earlier in kept):
            kept.append(line)
    return kept[:MAX_SENTENCES]


BINS = ("종량제봉투", "플라스틱류", "비닐류", "종이류", "종이팩 수거함", "스티로폼", "캔·고철류", "캔류", "고철",
        "유리병 수거함", "의류수거함", "폐건전지 수거함")
_BIN_ENDING = re.compile(r"(?:일반 )?({bins})(?:에|으로|로) (넣으세요|버리세요|내놓으세요|넣어 주세요|내놓으면 돼요)"
                         .format(bins="|".join(map(re.escape, BINS))))


def _without_bin(sentence: str, lead: str) -> str:
    """"끈을 잘라서 종량제봉투에 넣으세요" after a lead that already said 종량제봉투: "끈을 잘라서 넣으세요"."""
    def drop(match: re.Match[str]) -> str:
        if match.group(1).split()[0] not in lead:
            return match.group(0)
        bagged = match.group(1) == "종량제봉투" and match.group(2).startswith("넣")
        return "버리세요" if bagged else match.group(2)

    return _BIN_ENDING.sub(drop, sentence)


_PUT_WITH_EN = re.compile(r"(?:,? (?:then|and) )?\bput (?:it|them) (?:in|with|into) (?:the )?([a-z ]+?)(?=[.!?]?$)",
                          re.IGNORECASE)


def _without_bin_en(sentence: str, lead: str) -> str:
    """"Tape over the terminals and put it in the battery box" after a lead that named the battery box:
    "Tape over the terminals." A sentence that only says the bin again is dropped."""
    found = _PUT_WITH_EN.search(sentence)
    if found is None or found.group(1).strip().lower() not in lead.lower().replace("-", " "):
        return sentence
    kept = sentence[:found.start()].rstrip(" ,")
    return f"{kept}." if kept else ""


def _subject_phrase(sentence: str) -> str:
    """The words up to the topic (은/는) of a Korean sentence, if it has one early: "깨진 유리병은"."""
    words = sentence.split(" ")
    for index, word in enumerate(words[:3]):
        if word.endswith(("은", "는")):
            return " ".join(words[:index + 1])
    return ""


def _repeats(a: str, b: str) -> bool:
    """One sentence says again what the other said (not merely a short word inside a longer one)."""
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= 8 and shorter in longer
