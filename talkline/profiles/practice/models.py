"""The practice data: scenarios (roles, steps, slots, facts, words to explain), personas and shared lines.

A scenario's roles carry the social relationship; the relationship decides the register the partner
speaks and the register the learner should use (`registers.py`). Lines are written once in polite
Korean (해요체, with 합쇼체 where that role says it), in 반말 where a friend says them, and in English.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Language = Literal["ko", "en"]
Register = Literal["banmal", "haeyo", "hapsyo"]
Relationship = Literal["friend", "elder_neighbour", "clerk", "official", "interviewer", "stranger"]
AgeGroup = Literal["peer", "elder"]  # the persona's age next to the learner's
RecastMode = Literal["off", "gentle", "explicit"]
SlotKind = Literal["choice", "count", "name", "date", "address", "phone", "yes_no", "done", "free"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Frozen):
    """A description in both languages (not spoken by the partner)."""

    ko: str
    en: str

    def get(self, language: Language) -> str:
        return self.ko if language == "ko" else self.en


class Line(_Frozen):
    """Something said aloud: polite Korean, 반말 (where a friend may say it) and English."""

    ko: str
    en: str
    ko_banmal: str | None = None

    def say(self, language: Language, register: Register) -> str:
        if language == "en":
            return self.en
        if register == "banmal":
            if self.ko_banmal is None:
                raise ValueError(f"no 반말 form of the line {self.ko!r}")
            return self.ko_banmal
        return self.ko


class SlotValue(_Frozen):
    """One possible answer: how the partner says it, the words that mean it, and facts about it."""

    id: str
    ko: str
    en: str
    words: tuple[str, ...] = ()  # South and North Korean words, loanwords, English
    generic: bool = False  # a kind of thing (채소): a specific value named in the same turn wins
    facts: dict[str, Text] = Field(default_factory=dict)  # e.g. where it is, what it costs


class Slot(_Frozen):
    id: str
    title: Text
    kind: SlotKind
    values: tuple[SlotValue, ...] = ()  # choice; free: kinds of answer the partner recognises
    open: bool = False  # choice: an unlisted thing the learner names is taken too (as value "other")
    many: bool = False  # choice: several values at once ("비빔밥 두 개랑 불고기 하나요")
    other: dict[str, Text] = Field(default_factory=dict)  # facts of an unlisted value
    offer: bool = False  # yes_no: an offer or invitation, so 괜찮아요 / 됐어요 / 일없어요 mean no
    needs_yes: bool = False  # yes_no: the goal needs a yes (an ID shown), not just an answer
    yes_words: tuple[str, ...] = ()  # yes_no: what also means yes here (여기 있어요 for an ID)
    no_words: tuple[str, ...] = ()  # yes_no: what also means no here (장바구니 for a bag)
    early: tuple[str, ...] = ()  # yes_no: a yes said before the question comes (신분증 여기 있어요)
    cues: tuple[str, ...] = ()  # free, open choice: words that show an answer was given
    asking: bool = False  # yes_no: a question the learner asks counts as yes ("궁금하신 점 있으세요?")
    required: bool = True
    ask: Line | None = None  # asked when this slot is the one still missing


class NoTurn(_Frozen):
    """What the partner does when the learner says no to the step's yes-no question."""

    reply: Line
    then: Literal["stay", "back", "advance", "close"] = (
        "advance"  # close: no further steps (the goal is out of reach)
    )


class Step(_Frozen):
    id: str
    title: Text
    ask: Line
    rephrase: Line  # the same question in simpler words, after a miss
    lead_in: Line | None = None  # said once, before the question is first asked (the food arrives)
    model: Line  # a sentence the learner could say, in the learner's register
    model_values: dict[str, str] = Field(
        default_factory=dict
    )  # slot values taken when a close attempt is accepted
    slots: tuple[Slot, ...] = Field(min_length=1)
    # by the first slot's value id ("yes", "no", a choice id), else "*"; "assumed" after a close attempt
    replies: dict[str, Line]
    on_no: tuple[NoTurn, ...] = ()  # the first no, the second no…
    informative: bool = (
        False  # the reply carries what the learner may ask to hear again (a location, a route)
    )

    @model_validator(mode="after")
    def _reply_for_every_answer(self) -> Step:
        if "*" not in self.replies and self.slots[0].kind not in ("yes_no", "choice"):
            raise ValueError(f"step {self.id}: needs a '*' reply")
        return self


class Fact(_Frozen):
    """Something the learner may ask about the situation (price, time, place, fee…), answered from data."""

    id: str
    asks: tuple[str, ...]  # words that ask it, Korean and English
    answer: Line
    about: str | None = (
        None  # a choice slot: the value the turn names, else the one chosen so far ({item.price})
    )
    named: bool = False  # only when the turn names a value of `about` ("사과도 있어요?")
    otherwise: Line | None = None  # the answer while no value of `about` is known
    question_only: bool = True  # only when the turn is a question (봉투 얼마예요? but not 봉투 주세요)
    advice: bool = False  # asks for advice: a value named in the question is not chosen (버스가 나아요?)
    proposes: dict[str, str] = Field(
        default_factory=dict
    )  # a value offered ("그때로 해 드릴까요?"): a yes takes it


class Term(_Frozen):
    """A word of the situation the learner may not know ("체크카드가 뭐예요?")."""

    word: str
    forms: tuple[str, ...] = ()  # other spellings and recognition variants
    explain: Line

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.word, *self.forms)


class Role(_Frozen):
    """Who the learner talks to in this scenario, and how they stand to each other."""

    id: str
    title: Text
    relationship: Relationship
    played_by: tuple[AgeGroup, ...]  # which personas can play it, by their age next to the learner's
    examples: tuple[Line, ...] = ()  # filled from the steps' model sentences when left out


class Closing(_Frozen):
    prompt: Line  # after the last step: anything else? (the learner may ask or say goodbye)
    goodbye: Line  # the partner's goodbye
    early: Line  # the partner's goodbye when the learner leaves before the goal


class Scenario(_Frozen):
    id: str
    title: Text
    setting: Text
    goal: Text
    default_persona: str
    roles: tuple[Role, ...] = Field(min_length=1)
    opening: Line
    steps: tuple[Step, ...] = Field(min_length=1)
    closing: Closing
    facts: tuple[Fact, ...] = ()
    terms: tuple[Term, ...] = ()

    @field_validator("roles")
    @classmethod
    def _ages_apart(cls, roles: tuple[Role, ...]) -> tuple[Role, ...]:
        ages = [age for role in roles for age in role.played_by]
        if len(ages) != len(set(ages)):
            raise ValueError("each persona age plays at most one role of a scenario")
        return roles

    def step(self, step_id: str) -> Step:
        return next(step for step in self.steps if step.id == step_id)

    def slot(self, slot_id: str) -> Slot:
        return next(slot for step in self.steps for slot in step.slots if slot.id == slot_id)


class Topic(_Frozen):
    """A personal question the persona answers ("몇 살이야?"), as themselves or, at work, in their role."""

    id: str
    asks: tuple[str, ...]
    answer: Line
    at_work: Line | None = None  # playing a clerk, an official or an interviewer

    def line(self, relationship: Relationship) -> Line:
        working = relationship in ("clerk", "official", "interviewer")
        return self.at_work if working and self.at_work is not None else self.answer


class Persona(_Frozen):
    id: str
    name: Text
    voice: str
    gender: Literal["female", "male"]
    age: AgeGroup
    description: Text
    about: tuple[Topic, ...] = ()


class Reaction(_Frozen):
    """A short social exchange every scenario understands: small talk, a learner's origin."""

    id: str
    asks: tuple[str, ...] = ()
    answers: tuple[Line, ...] = Field(min_length=1)  # variants, so the partner never says the same twice


def placeholders(text: str) -> list[str]:
    return re.findall(r"\{([^}]+)\}", text)


class Phrases(_Frozen):
    """Ways of saying one thing: Korean, English, and words that count only when said on their own."""

    ko: tuple[str, ...] = ()
    en: tuple[str, ...] = ()
    alone: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()  # origin: northern provinces and cities ("청진에서 왔어요")

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.ko, *self.en)


class CommonLines(_Frozen):
    repeat: tuple[Line, ...]
    miss: tuple[Line, ...]
    unknown_question: tuple[Line, ...]
    model: tuple[Line, ...]
    accept: tuple[Line, ...]
    greet: tuple[Line, ...]
    thanks: tuple[Line, ...]
    wait: tuple[Line, ...]
    unknown_word: tuple[Line, ...]
    south_word: tuple[Line, ...]
    ended: tuple[Line, ...]
    amended: tuple[Line, ...]
    ahead: tuple[Line, ...]
    corrected: tuple[Line, ...]
    anything_else: tuple[Line, ...]
    anything_else_social: tuple[Line, ...]
    farewell: tuple[Line, ...]
    again: tuple[Line, ...]
    recast_word: tuple[Line, ...]
    recast_word_more: tuple[Line, ...]
    recast_ending: tuple[Line, ...]
    recast_register: tuple[Line, ...]


class FeedbackNotes(_Frozen):
    step_done: Text
    step_helped: Text
    step_assumed: Text
    step_refused: Text
    step_missing: Text
    register_polite: Text
    register_formal: Text
    register_casual: Text
    register_good: Text


class Common(_Frozen):
    """What every scenario understands and says (data/common.yaml)."""

    phrases: dict[str, Phrases]
    lines: CommonLines
    origin: dict[Relationship, tuple[Line, ...]]
    small_talk: tuple[Reaction, ...]
    casting: dict[str, Text]
    feedback: FeedbackNotes
