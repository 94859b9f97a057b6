"""What one learner turn says, as a patient South Korean hears it: the answer to the step (slots),
questions (a word to explain, a fact of the situation, something about the partner), small talk, the
learner's origin, requests to repeat or for help, greetings, thanks and goodbyes; and the North Korean
words and endings in it, for recasts. North Korean words are heard as their South Korean meaning."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from talkline.profiles.practice.catalog import Setup, common
from talkline.profiles.practice.endings import EndingFound, find_endings
from talkline.profiles.practice.glossary import (
    Found,
    GlossaryEntry,
    find_north_korean,
    glossary,
    southernised,
)
from talkline.profiles.practice.matching import Utterance, utterance
from talkline.profiles.practice.models import Fact, Reaction, Slot, Step, Term, Topic
from talkline.profiles.practice.slots import (
    OTHER,
    YES,
    SlotAnswer,
    extract,
    leading_word,
    polarity,
    statements,
    wants_to_answer,
)

Act = Literal[
    "greet",
    "thanks",
    "repeat",
    "help",
    "wait",
    "goodbye",
    "origin",
    "explain",
    "fact",
    "personal",
    "small_talk",
]

SENTENCES = re.compile(r"[^.?!\n]+[.?!]?")
WHAT_IS = re.compile(
    r"([가-힣A-Za-z0-9+][가-힣A-Za-z0-9+ ]*?)\s*(?:이란|란|이라는\s*게|라는\s*게|이라는\s*건|라는\s*건|이|가|은|는)?\s*"
    r"(?:뭐예요|뭐에요|뭐야|뭔가요|뭡니까|무엇입니까|무엇인가요|뭐지|뭐죠|뭔데|뭐임|머예요|머에요|뭐예여|뭐여|"
    r"무슨\s*뜻|무슨\s*말|무슨\s*의미|뭘\s*말하)"
)
DIFFERENCE = re.compile(
    r"([가-힣]+?)(?:하고|이랑|랑|와|과)\s*([가-힣]+?)(?:이|가|은|는)?\s*(?:뭐가\s*달라|뭐가\s*다르|차이)"
)
QUESTION_WORDS = ("얼마", "몇", "어디", "언제", "뭐", "뭘", "무슨", "어떻게", "how", "what", "when", "where")
WHAT_IS_EN = re.compile(r"what(?:'s| is| are| does)\s+(?:a |an |the )?([a-z0-9 +\-]+?)(?:\s+mean)?\s*\??$")
FILLERS = {
    "근데",
    "그런데",
    "아",
    "저",
    "음",
    "어",
    "혹시",
    "그",
    "그럼",
    "저기",
    "네",
    "근데요",
    "아니",
    "그러면",
    "그리고",
    "좀",
}
QUESTION_LAST = ("까", "나요", "니", "냐", "는지", "네까", "둥")
ORIGIN_AFTER = re.compile(r"^\s*(?:에서\s*(?:왔|와|살)|출신|사람|이\s*고향|가\s*고향)")


@dataclass(frozen=True)
class Question:
    """A question of the learner's the partner can answer."""

    fact: Fact | None = None
    value: SlotAnswer | None = None  # the value of the fact's slot the learner named ("사과도 있어요?")
    term: Term | None = None
    south_word: GlossaryEntry | None = None  # "당근이 뭐예요?": known in the North as 홍당무
    unknown_word: str | None = None
    topic: Topic | None = None


@dataclass(frozen=True)
class Analysis:
    text: str
    acts: frozenset[Act]
    question: Question | None = None
    small_talk: Reaction | None = None
    slots: dict[str, SlotAnswer] = field(default_factory=dict)  # the current step's (and the next one's)
    yes_to_come: bool = False  # "응, 알려 줄게": the value is still to come
    ahead: dict[str, SlotAnswer] = field(default_factory=dict)  # later steps answered before they are asked
    north_words: tuple[Found, ...] = ()
    endings: tuple[EndingFound, ...] = ()

    @property
    def understood(self) -> bool:
        return bool(self.acts or self.slots or self.yes_to_come)


def understand(
    text: str,
    setup: Setup,
    step: Step | None,
    following: Step | None,
    known: Mapping[str, SlotAnswer],
    first_turn: bool,
) -> Analysis:
    """What the turn says, given the step the call is at (None once the steps are done) and the slots
    already given."""
    heard = utterance(southernised(text))
    acts: set[Act] = set(_social_acts(heard, first_turn))
    question = _question(heard, setup, step)
    if question is not None:
        acts.add(
            "explain"
            if question.term or question.south_word or question.unknown_word
            else "personal"
            if question.topic
            else "fact"
        )
    small_talk = _small_talk(heard) if question is None else None
    if small_talk is not None:
        acts.add("small_talk")
    slots: dict[str, SlotAnswer] = {}
    yes_to_come = False
    if step is not None:
        said = _answer_part(text)  # "X가 뭐예요?" asks about X: it does not answer with X
        if question is not None and question.fact is not None and question.fact.advice:
            said = statements(said)  # "버스 타고 가는 게 나아요?" asks about the bus: it does not choose it
        context = {
            "asked_something": question is not None and question.fact is not None,
            "asking": question is not None,
            "social": bool(acts & {"origin", "repeat", "help"}) or small_talk is not None,
        }
        slots = _step_slots(step, said, context, known)
        if following is not None and _complete(step, {**known, **slots}):
            ahead = _step_slots(following, said, context, known, look_ahead=True)
            slots.update(
                {slot_id: answer for slot_id, answer in ahead.items() if not _inside(answer, slots.values())}
            )
        yes_to_come = not slots and any(
            wants_to_answer(slot, heard) for slot in _missing(step, {**known, **slots})
        )
        ahead = _said_ahead(setup, step, said, {**known, **slots}, asking=context["asking"])
        if any(setup.scenario.slot(slot_id).kind == "yes_no" for slot_id in ahead):
            slots = {slot_id: answer for slot_id, answer in slots.items() if _own_answer(step, slot_id, said)}
        first = step.slots[0]
        if _moves_on(first, ahead, setup) and first.id not in slots:
            slots[first.id] = SlotAnswer(YES)  # "현금으로 할게요" to "이거 맞으세요?": yes, by going on
    return Analysis(
        text=text,
        acts=frozenset(acts),
        question=question,
        small_talk=small_talk,
        slots=slots,
        yes_to_come=yes_to_come,
        ahead=ahead if step is not None else {},
        north_words=tuple(find_north_korean(text)),
        endings=tuple(find_endings(text)),
    )


def is_question(heard: Utterance) -> bool:
    """A question: a question mark, a question word (얼마에요, 어디 있어요), or a question ending (있습니까)."""
    if heard.question:
        return True
    last = heard.words[-1] if heard.words else ""
    words = common().phrases["question_words"]
    return (
        last.endswith(QUESTION_LAST)
        or any(word.startswith(words.ko) for word in heard.words)
        or any(f" {word} " in heard.english for word in words.en)
    )


# ── social acts ───────────────────────────────────────────────────────────────────────────────


def _social_acts(heard: Utterance, first_turn: bool) -> list[Act]:
    phrases = common().phrases
    alone = heard.text.strip(" ?!.~…").strip()
    acts: list[Act] = []
    if heard.has(phrases["repeat"].all) or (heard.question and alone.lower() in phrases["repeat"].alone):
        acts.append("repeat")
    if heard.has(phrases["help_strong"].all) or ("repeat" not in acts and heard.has(phrases["help"].all)):
        acts.append("help")
    if heard.has(phrases["wait"].all):
        acts.append("wait")
    if heard.has(phrases["goodbye"].all) or (not first_turn and alone in phrases["goodbye"].alone):
        acts.append("goodbye")
    if heard.has(phrases["greet"].all) or (first_turn and heard.words[:1] == ["안녕"]):
        acts.append("greet")
    if heard.has(phrases["thanks"].all):
        acts.append("thanks")
    if _origin(heard):
        acts.append("origin")
    return acts


def _origin(heard: Utterance) -> bool:
    phrases = common().phrases["origin"]
    if heard.has(phrases.all):
        return True
    for region in phrases.regions:
        hit = heard.find(region)
        if hit is not None and (ORIGIN_AFTER.match(heard.text[hit.end :]) or "고향" in heard.text):
            return True
    return False


def _small_talk(heard: Utterance) -> Reaction | None:
    return next((reaction for reaction in common().small_talk if heard.has(reaction.asks)), None)


# ── questions ─────────────────────────────────────────────────────────────────────────────────


def _question(heard: Utterance, setup: Setup, step: Step | None) -> Question | None:
    word = asked_word(heard.text)
    if word is not None:
        term = _term(word, setup)
        if term is not None:
            return Question(term=term)
        south = next((entry for entry in glossary() if entry.south == word.replace(" ", "")), None)
        if south is not None:
            return Question(south_word=south)
    asking = is_question(heard)
    topic = _topic(heard, setup) if asking else None
    if topic is not None:
        return Question(topic=topic)
    fact = _fact(heard, setup, step, asking)
    if fact is not None:
        return fact
    if word is not None and len(word.split()) <= 2:
        return Question(unknown_word=word)
    return None


def asked_word(text: str) -> str | None:
    """X in "X가 뭐예요?", "X는 무슨 뜻이에요?", "what is X?" — the word the learner does not know."""
    for sentence in SENTENCES.findall(text):
        match = DIFFERENCE.search(sentence) or WHAT_IS.search(sentence)
        if match is not None:
            words = [word for word in match.group(match.lastindex or 1).split() if word not in FILLERS]
            if words:
                return " ".join(words[-2:])
        english = WHAT_IS_EN.search(sentence.lower().strip())
        if english is not None:
            return english.group(1).strip()
    return None


def _term(word: str, setup: Setup) -> Term | None:
    said = utterance(word)
    best: tuple[int, Term] | None = None
    for term in setup.scenario.terms:
        hit = said.find_any(term.spellings, fuzzy=True)
        if hit is not None and (best is None or hit.size > best[0]):
            best = (hit.size, term)
    return best[1] if best else None


def _topic(heard: Utterance, setup: Setup) -> Topic | None:
    """The topic asked about most specifically (the longest of its phrases said)."""
    best: tuple[tuple[bool, int], Topic] | None = None
    compact = heard.text.replace(" ", "")
    for topic in setup.persona.about:
        hit = heard.find_any(topic.asks)
        if hit is None:
            continue
        weight = (hit.phrase.replace(" ", "") in compact, hit.size)  # said as it is beats heard nearly
        if best is None or weight > best[0]:
            best = (weight, topic)
    return best[1] if best else None


def _fact(heard: Utterance, setup: Setup, step: Step | None, asking: bool) -> Question | None:
    current = {slot.id for slot in step.slots} if step else set()
    best: tuple[int, Question] | None = None
    for fact in setup.scenario.facts:
        if fact.question_only and not asking:
            continue
        hit = heard.find_any(fact.asks)
        if hit is None:
            continue
        value = _named_value(setup, fact, heard)
        if fact.named and (value is None or fact.about in current):
            continue
        # 이자 is more telling than 얼마 (얼마나 돼요?): a question word alone says little
        weight = hit.size - (1 if hit.phrase.startswith(QUESTION_WORDS) else 0)
        if best is None or weight > best[0]:
            best = (weight, Question(fact=fact, value=value))
    return best[1] if best else None


def _named_value(setup: Setup, fact: Fact, heard: Utterance) -> SlotAnswer | None:
    if fact.about is None:
        return None
    slot = setup.scenario.slot(fact.about)
    answer = extract(slot, heard, asking=True)
    return answer if answer is not None and answer.value in {value.id for value in slot.values} else None


# ── the step's slots ──────────────────────────────────────────────────────────────────────────


def _step_slots(
    step: Step, text: str, context: dict[str, bool], known: Mapping[str, SlotAnswer], look_ahead: bool = False
) -> dict[str, SlotAnswer]:
    """The step's slots, heard in the words as said, else in their South Korean meaning (소젖 → 우유)."""
    found = {}
    for slot in step.slots:
        if look_ahead and slot.early and not is_question(utterance(text)) and utterance(text).has(slot.early):
            found[slot.id] = SlotAnswer(YES)
            continue
        if look_ahead and (slot.kind in ("yes_no", "free", "done") or slot.offer):
            continue
        if slot.id in known and slot.kind in ("name", "date", "phone", "address"):
            continue  # given already: the rest of the step is still to come
        answer = extract(slot, utterance(text), **context)
        if answer is None and (southern := southernised(text)) != text:
            answer = extract(slot, utterance(southern), **context)
        if answer is not None and not (look_ahead and answer.value == OTHER):
            found[slot.id] = answer
    if look_ahead and not _complete(step, found):
        return {}
    return found


def _said_ahead(
    setup: Setup, step: Step, text: str, known: Mapping[str, SlotAnswer], asking: bool
) -> dict[str, SlotAnswer]:
    """Answers to later steps that cannot be mistaken, said before they are asked: a phone number, a yes
    or no to a later offer that names it ("봉투는 괜찮아요", "등본도 한 통 떼 주세요"), a listed choice
    ("현금으로 할게요")."""
    steps = setup.scenario.steps
    later = [
        (slot, s.informative) for s in steps[steps.index(step) + 1 :] for slot in s.slots if slot.id not in known
    ]
    heard = utterance(text)
    found: dict[str, SlotAnswer] = {}
    for slot, informative in later:
        if slot.kind == "phone":
            answer = extract(slot, heard, asking=asking)
            if answer is not None and answer.said:
                found[slot.id] = answer
        elif slot.kind == "yes_no" and slot.offer and not asking and _names(text, slot.title.ko):
            said = polarity(slot, heard)
            if said is not None:
                found[slot.id] = SlotAnswer(said)
        elif slot.kind == "choice" and not (slot.open or slot.offer or slot.many or asking or informative):
            answer = extract(slot, heard)  # "현금으로 하겠슴다" while the item is checked
            if answer is not None and answer.value in {value.id for value in slot.values}:
                found[slot.id] = answer
    return found


def _moves_on(slot: Slot, ahead: Mapping[str, SlotAnswer], setup: Setup) -> bool:
    """A plain check ("이거 맞으세요?") is answered yes by answering what comes after it (how to pay)."""
    plain = slot.kind == "yes_no" and not (slot.needs_yes or slot.offer or slot.asking)
    return plain and any(setup.scenario.slot(slot_id).kind == "choice" for slot_id in ahead)


def _names(text: str, thing: str) -> bool:
    return thing.replace(" ", "") in text.replace(" ", "")


def _own_answer(step: Step, slot_id: str, text: str) -> bool:
    """The step's yes or no said in its own words ("네, 맞아요. 봉투는 괜찮아요"), not borrowed from the
    answer to a later offer ("봉투는 괜찮아요" is no answer to "이거 맞으세요?")."""
    slot = next(slot for slot in step.slots if slot.id == slot_id)
    if slot.kind != "yes_no":
        return True
    heard = utterance(text)
    return heard.has(slot.yes_words) or heard.has(slot.no_words) or leading_word(heard) is not None


def _answer_part(text: str) -> str:
    """The turn without its "X가 뭐예요?" sentences."""
    kept = [
        sentence
        for sentence in SENTENCES.findall(text)
        if not (
            DIFFERENCE.search(sentence) or WHAT_IS.search(sentence) or WHAT_IS_EN.search(sentence.lower())
        )
    ]
    return " ".join(kept).strip() if kept else ""


def _inside(answer: SlotAnswer, others: Iterable[SlotAnswer]) -> bool:
    """Said within the words that answered the step before (버스 in 버스 정류장): not a second answer."""
    return answer.end > answer.start and any(
        other.start <= answer.start and answer.end <= other.end for other in others if other.end > other.start
    )


def _complete(step: Step, slots: dict[str, SlotAnswer]) -> bool:
    return all(slot.id in slots for slot in step.slots if slot.required)


def _missing(step: Step, slots: dict[str, SlotAnswer]) -> list[Slot]:
    return [slot for slot in step.slots if slot.id not in slots]
