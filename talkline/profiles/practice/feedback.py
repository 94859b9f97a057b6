"""Feedback after a practice call: whether the goal was reached, how each step went, the North Korean
words (found by their morphemes) and endings the learner used, their own sentences as a South Korean
would say them, and whether their speech level suited the relationship."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel

from talkline.profiles.practice.catalog import Setup, common, setup_for
from talkline.profiles.practice.dialogue import State, replay
from talkline.profiles.practice.endings import find_endings
from talkline.profiles.practice.glossary import north_korean_words
from talkline.profiles.practice.korean import fill
from talkline.profiles.practice.language import detect_language
from talkline.profiles.practice.models import Language, Register, Step, Text
from talkline.profiles.practice.registers import is_polite, utterance_level
from talkline.profiles.practice.rewrite import rewrite
from talkline.profiles.practice.slots import say_value
from talkline.store.records import TimedMessage

MAX_EXPRESSIONS = 5
MAX_EXAMPLES = 3
StepStatus = Literal["done", "helped", "assumed", "refused", "missing"]


class ExpressionTip(BaseModel):
    korean: str  # in the register the learner owes this person
    english: str


class StepNote(BaseModel):
    id: str
    title: Text
    status: StepStatus
    said: list[str]  # the learner's turns at this step
    values: dict[str, str]  # what the partner took from them
    misses: int
    note: Text


class NorthKoreanWord(BaseModel):
    north: str
    south: str
    english: str
    kind: str
    note: str | None  # in English, as before
    note_ko: str | None
    heard_in: str  # the learner's sentence that used it


class EndingNote(BaseModel):
    ending: str
    said: str  # the word as said
    south: str  # the word ended the South Korean way
    explanation: Text
    heard_in: str


class RewriteNote(BaseModel):
    said: str
    natural: str
    reasons: list[Text]


class SpeechLevelReport(BaseModel):
    expected: Literal["polite", "casual"]
    expected_register: Register  # banmal, haeyo or hapsyo: what the relationship asks of the learner
    polite_turns: int
    casual_turns: int
    northern_turns: int  # -습네까, -수다, -오/-소…
    other_level_examples: list[str]  # sentences in the other level, to look at again
    note: Text


class Feedback(BaseModel):
    scenario: str
    persona: str
    role: str
    language: Language
    outcome: Literal["goal_reached", "quit", "unfinished"]
    goal_reached: bool  # every required slot actually given by the learner
    said_goodbye: bool  # the call ended with goodbyes on both sides
    steps_completed: int
    steps_total: int
    turns: int
    speaking_seconds: float
    call_seconds: float
    steps: list[StepNote]
    expressions_to_learn: list[ExpressionTip]
    north_korean_words: list[NorthKoreanWord]
    north_korean_endings: list[EndingNote]
    rewrites: list[RewriteNote]
    speech_level: SpeechLevelReport | None  # Korean calls only


def feedback(
    scenario_id: str,
    persona_id: str,
    messages: Sequence[TimedMessage],
    *,
    language: str | None = None,
    role: str | None = None,
    recast: str | None = None,
) -> Feedback:
    """Feedback on one call, from its timed transcript."""
    said = [m.text for m in messages if m.role == "user" and m.text.strip()]
    spoken = language or next((lang for text in said if (lang := detect_language(text))), None) or "ko"
    setup = setup_for(
        {"scenario": scenario_id, "persona": persona_id, "role": role, "recast": recast}, spoken
    )
    state = replay(setup, said)
    korean = setup.language == "ko"
    steps = _steps(setup, state)
    return Feedback(
        scenario=setup.scenario.id,
        persona=setup.persona.id,
        role=setup.role.id,
        language=setup.language,
        outcome=_outcome(setup, state),
        goal_reached=state.goal_reached(setup),
        said_goodbye=state.finished,
        steps_completed=sum(1 for note in steps if note.status not in ("missing", "refused")),
        steps_total=len(setup.scenario.steps),
        turns=len(said),
        speaking_seconds=round(sum(m.duration for m in messages if m.role == "user"), 2),
        call_seconds=round(_call_span(messages), 2),
        steps=steps,
        expressions_to_learn=_expressions(setup, steps),
        north_korean_words=_north_korean_words(said) if korean else [],
        north_korean_endings=_endings(said) if korean else [],
        rewrites=_rewrites(said, setup.learner_register) if korean else [],
        speech_level=_speech_level(setup, said) if korean else None,
    )


def _outcome(setup: Setup, state: State) -> Literal["goal_reached", "quit", "unfinished"]:
    if state.goal_reached(setup):
        return "goal_reached"
    return "quit" if state.outcome == "quit" else "unfinished"


def _call_span(messages: Sequence[TimedMessage]) -> float:
    if not messages:
        return 0.0
    return max(m.ended_at for m in messages) - min(m.started_at for m in messages)


def _steps(setup: Setup, state: State) -> list[StepNote]:
    notes = common().feedback
    result = []
    for index, step in enumerate(setup.scenario.steps):
        turns = [record for record in state.log if record.step == index]
        status = _status(step, index, state, turns)
        model = _model(setup, step)
        note = {
            "done": notes.step_done,
            "helped": notes.step_helped,
            "assumed": notes.step_assumed,
            "refused": notes.step_refused,
            "missing": notes.step_missing,
        }[status]
        values = {
            slot.id: say_value(slot, state.slots[slot.id], setup.language)
            for slot in step.slots
            if slot.id in state.slots and slot.id not in state.assumed
        }
        result.append(
            StepNote(
                id=step.id,
                title=step.title,
                status=status,
                said=[t.text for t in turns],
                values=values,
                misses=sum(t.missed for t in turns),
                note=Text(
                    ko=fill(note.ko, {"model": model.ko}.get) or note.ko,
                    en=fill(note.en, {"model": model.en}.get) or note.en,
                ),
            )
        )
    return result


def _status(step: Step, index: int, state: State, turns: list) -> StepStatus:  # type: ignore[type-arg]
    required = [slot.id for slot in step.slots if slot.required]
    if any(slot in state.assumed for slot in required):
        return "assumed"
    if not all(slot in state.slots for slot in required):
        return "refused" if state.closed_early and turns else "missing"
    if any(turn.missed or "help" in turn.analysis.acts for turn in turns):
        return "helped"
    return "done"


def _model(setup: Setup, step: Step) -> Text:
    return Text(ko=step.model.say("ko", setup.learner_register), en=step.model.en)


def _expressions(setup: Setup, notes: list[StepNote]) -> list[ExpressionTip]:
    """Model sentences of the steps that did not go smoothly first, then those of the others."""
    ordered = [step for note, step in zip(notes, setup.scenario.steps, strict=True) if note.status != "done"]
    ordered += [step for step in setup.scenario.steps if step not in ordered]
    tips = [ExpressionTip(korean=_model(setup, step).ko, english=step.model.en) for step in ordered]
    return tips[:MAX_EXPRESSIONS]


def _north_korean_words(said: list[str]) -> list[NorthKoreanWord]:
    found: dict[str, NorthKoreanWord] = {}
    for text in said:
        for entry in north_korean_words(text):
            found.setdefault(
                entry.north,
                NorthKoreanWord(
                    north=entry.north,
                    south=entry.south,
                    english=entry.english,
                    kind=entry.kind,
                    note=entry.note.en if entry.note else None,
                    note_ko=entry.note.ko if entry.note else None,
                    heard_in=text,
                ),
            )
    return list(found.values())


def _endings(said: list[str]) -> list[EndingNote]:
    found: dict[str, EndingNote] = {}
    for text in said:
        for ending in find_endings(text):
            found.setdefault(
                ending.word,
                EndingNote(
                    ending=ending.ending.label,
                    said=ending.word,
                    south=ending.south_word,
                    explanation=ending.ending.explain,
                    heard_in=text,
                ),
            )
    return list(found.values())


def _rewrites(said: list[str], register: Register) -> list[RewriteNote]:
    result = []
    for text in said:
        if detect_language(text) != "ko":
            continue
        changed = rewrite(text, register)
        if changed is not None:
            result.append(RewriteNote(said=changed.said, natural=changed.natural, reasons=changed.reasons))
    return result


def _speech_level(setup: Setup, said: list[str]) -> SpeechLevelReport:
    register = setup.learner_register
    levels = [(text, utterance_level(text)) for text in said if detect_language(text) == "ko"]
    polite = [text for text, level in levels if level in ("haeyo", "hapsyo")]
    casual = [text for text, level in levels if level == "banmal"]
    northern = [text for text, level in levels if level in ("north", "hao")]
    other = casual if is_polite(register) else polite
    notes = common().feedback
    if other and is_polite(register):
        note = fill_role(notes.register_polite, setup)
    elif other:
        note = notes.register_casual
    elif register == "hapsyo" and not any(level == "hapsyo" for _, level in levels):
        note = notes.register_formal
    else:
        note = notes.register_good
    return SpeechLevelReport(
        expected="polite" if is_polite(register) else "casual",
        expected_register=register,
        polite_turns=len(polite),
        casual_turns=len(casual),
        northern_turns=len(northern),
        other_level_examples=other[:MAX_EXAMPLES],
        note=note,
    )


def fill_role(note: Text, setup: Setup) -> Text:
    values = {"role": setup.role.title.ko, "role_en": setup.role.title.en}
    return Text(ko=fill(note.ko, values.get) or note.ko, en=fill(note.en, values.get) or note.en)
