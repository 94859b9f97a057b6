"""The call as a state machine: the partner's state after each learner turn, and what they say.

The state follows from the learner's turns alone, so any worker can continue a call by replaying them
(`replay`, cached by prefix: each turn costs one step). A turn may answer the step (its slots), ask
something (answered from the scenario's data, then back to the task), make small talk, say where the
learner comes from, ask to hear it again, ask for help, or say goodbye. After a miss the partner asks
again in simpler words, then offers a sentence to say, then accepts the next attempt and moves on: never
more than two misses in a row. After the last step the call stays open for a last question; the goodbye
is a turn of its own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from talkline.profiles.practice.catalog import Setup, common, setup_for
from talkline.profiles.practice.glossary import southernised
from talkline.profiles.practice.matching import Utterance, utterance
from talkline.profiles.practice.models import Step
from talkline.profiles.practice.morphemes import tokens
from talkline.profiles.practice.recasts import recast
from talkline.profiles.practice.replies import Reply, Speaker
from talkline.profiles.practice.slots import (
    CORRECTION,
    NO,
    QUESTION_WORDS,
    YES,
    SlotAnswer,
    corrected_address,
    extract,
    statements,
)
from talkline.profiles.practice.understanding import Analysis, Question, is_question, understand

Phase = Literal["steps", "closing", "farewell", "ended"]
Outcome = Literal["ongoing", "completed", "quit"]
ASSUMED = "assumed"
SOCIAL_ROLES = ("friend", "elder_neighbour")  # not serving the learner: no 궁금하신 거 있으세요?


@dataclass(frozen=True, slots=True)
class TurnRecord:
    """One learner turn as the partner took it (for feedback and the evaluation)."""

    text: str
    step: int | None  # the step the turn answered, None after the last step
    analysis: Analysis
    set_slots: tuple[str, ...]
    missed: bool
    accepted: bool  # a close attempt taken after the model sentence
    reply: str


@dataclass(frozen=True)
class State:
    step: int = 0
    phase: Phase = "steps"
    outcome: Outcome = "ongoing"
    slots: Mapping[str, SlotAnswer] = field(default_factory=dict)
    assumed: frozenset[str] = frozenset()  # slots taken from the model sentence, not said by the learner
    misses: int = 0  # turns in a row the partner did not understand, at this step
    model_given: bool = False  # the model sentence was offered at this step
    noes: int = 0  # no answers to this step's yes-no question
    proposed: Mapping[str, str] = field(default_factory=dict)  # a value the partner offered in the last reply
    closed_early: bool = False  # the goal went out of reach (no ID, say)
    said: str = ""  # the partner's last reply
    information: str = ""  # what "say that again" repeats
    step_said: Mapping[int, str] = field(default_factory=dict)  # the partner's answer to each completed step
    log: tuple[TurnRecord, ...] = ()

    @property
    def finished(self) -> bool:
        """The partner has said goodbye."""
        return self.phase in ("farewell", "ended")

    def goal_reached(self, setup: Setup) -> bool:
        """Every required slot was actually given by the learner."""
        required = [slot.id for step in setup.scenario.steps for slot in step.slots if slot.required]
        return not self.closed_early and all(s in self.slots and s not in self.assumed for s in required)


def tidy(text: str, language: str) -> str:
    """No doubled full stops (a value ending in "a.m." before ".")."""
    return re.sub(r"\.\.(?!\.)", ".", text)


def opening(setup: Setup) -> State:
    speaker = Speaker(setup, {})
    reply = Reply()
    reply.add("frame", speaker.say(setup.scenario.opening))
    reply.add("ask", speaker.say(setup.scenario.steps[0].ask))
    return State(said=reply.text, information=reply.information)


def take_turn(setup: Setup, state: State, text: str) -> State:
    """The state after the learner says `text`; `said` holds the partner's reply."""
    step, following = _steps(setup, state)
    analysis = understand(text, setup, step, following, state.slots, first_turn=not state.log)
    if state.phase == "ended":
        said = _ended(setup, state)
        return replace(
            state, said=said, log=(*state.log, TurnRecord(text, None, analysis, (), False, False, said))
        )
    turn = _Turn(setup, state, analysis)
    if state.phase in ("closing", "farewell"):
        turn.after_steps()
    else:
        turn.during_steps()
    return turn.finish(text)


@functools.lru_cache(maxsize=4096)
def _replay(key: tuple[str, str, str, str, str], texts: tuple[str, ...]) -> State:
    setup = _setup(key)
    if not texts:
        return opening(setup)
    return take_turn(setup, _replay(key, texts[:-1]), texts[-1])


@functools.cache
def _setup(key: tuple[str, str, str, str, str]) -> Setup:
    scenario_id, persona_id, role_id, recast_mode, language = key
    return setup_for(
        {"scenario": scenario_id, "persona": persona_id, "role": role_id, "recast": recast_mode}, language
    )


def replay(setup: Setup, texts: Sequence[str]) -> State:
    """The state after the learner's turns, from the opening (each prefix is remembered)."""
    return _replay(setup.key, tuple(texts))


# ── one turn ──────────────────────────────────────────────────────────────────────────────────


class _Turn:
    def __init__(self, setup: Setup, state: State, analysis: Analysis) -> None:
        self.setup, self.state, self.analysis = setup, state, analysis
        self.acts = analysis.acts
        self.slots = dict(state.slots)
        self.reply = Reply()
        self.turn = len(state.log)
        self.changes: dict[str, object] = {}
        self.set_slots: list[str] = []
        self.missed = self.accepted = False
        self.step_said = dict(state.step_said)
        self.acknowledged: dict[str, str] = {}  # a choice said ahead: its acknowledgement, this turn

    @property
    def speaker(self) -> Speaker:
        return Speaker(self.setup, self.slots)

    def pick(self, lines: Sequence, **extra: str) -> str:  # type: ignore[type-arg]
        return self.speaker.pick(lines, self.turn, **extra)

    # during the steps

    def during_steps(self) -> None:
        step = self.setup.scenario.steps[self.state.step]
        self._take_ahead()
        progressed = self._take_slots(step)
        if "goodbye" in self.acts and self.changes.get("phase", "steps") == "steps":
            self.reply = Reply()
            self.reply.add("frame", self.speaker.say(self.setup.scenario.closing.early))
            self.changes.update(phase="ended", outcome="quit")
            return
        self._social()
        self._answers()
        if "goodbye" in self.acts:  # the goodbye came with the last answer
            self.reply.drop("ask")
            self.reply.add("bye", self.speaker.say(self.setup.scenario.closing.goodbye))
            self.changes.update(phase="ended", outcome="completed")
            return
        if not progressed and "help" in self.acts:
            self._model(step)
            return
        if not progressed and "repeat" in self.acts and not self.analysis.question:
            self.reply.add("frame", self.pick(common().lines.repeat))
            self.reply.add("answer", self.state.information)
            return
        if not progressed and "wait" in self.acts and not self.reply.parts:
            self.reply.add("frame", self.pick(common().lines.wait))
            return
        understood = progressed or self.reply.parts or self.analysis.understood
        if not progressed and self._unanswerable() and self._answer_from_step(step):
            return
        if not understood or (not progressed and self._unanswerable()):
            self._miss(step)
        elif not self.reply.has("ask"):
            self._back_to(step)

    def _take_slots(self, step: Step) -> bool:
        found = self.analysis.slots
        if "repeat" in self.acts and all(answer.value in (YES, NO) for answer in found.values()):
            found = {}  # "네?", "잘 모르겠어요, 다시 말해 주세요": not an answer, a request to hear it again
        if all(slot.kind == "free" for slot in step.slots) and _asks_what_to_say(self.analysis):
            found = {}  # "제 장점은… 뭐라고 말해야 될지 모르겠습니다": a request for help, not the answer
        first = step.slots[0]
        answer = found.get(first.id)
        if first.kind == "yes_no" and answer is not None and answer.value == NO and step.on_no:
            self._no(step, found)
            return True
        if not found and self.state.proposed and _says_yes(self.analysis):
            found = {slot_id: SlotAnswer(value) for slot_id, value in self.state.proposed.items()}
        if not any(slot.id in found for slot in step.slots):
            if self.analysis.yes_to_come and "repeat" not in self.acts:
                self._ask_missing(step)
                return True
            return self._amend()
        self._set(found)
        if any(slot.required and slot.id not in self.slots for slot in step.slots):
            self._ask_missing(step)
            return True
        self._advance()
        return True

    def _take_ahead(self) -> None:
        """A later step answered before it is asked (the number before the invitation, 봉투는 괜찮아요
        while the item is checked): taken and acknowledged now, not asked or acknowledged again."""
        ahead = {slot_id: answer for slot_id, answer in self.analysis.ahead.items() if slot_id not in self.slots}
        if not ahead:
            return
        self._set(ahead)
        for index, step in enumerate(self.setup.scenario.steps):
            if index > self.state.step and any(slot.id in ahead for slot in step.slots):
                first = step.slots[0]
                if first.kind == "choice":  # acknowledged now; the step's own line when its turn comes
                    value = Speaker(self.setup, self.slots).value(first.id) or ""
                    self.acknowledged[first.id] = self.pick(common().lines.amended, value=value)
                    self.reply.add("answer", self.acknowledged[first.id])
                    continue
                if first.id in ahead and ahead[first.id].value == YES and first.kind == "yes_no":
                    said = self.pick(common().lines.ahead, value=first.title.get(self.setup.language))
                else:  # the number, a no: the step's own reply ("고마워! 이따 문자 보낼게", "네, 알겠습니다")
                    said = self._step_reply(step, False) if first.id in self.slots else None
                if said:
                    self.reply.add("answer", said)
                self.step_said[index] = said or ""

    def _ask_missing(self, step: Step) -> None:
        missing = next(slot for slot in step.slots if slot.id not in self.slots)
        self.reply.add("ask", self.speaker.say(missing.ask) if missing.ask else self.speaker.say(step.ask))

    def _amend(self) -> bool:
        """A new answer to the step just done ("물냉면 주세요" after 냉면): taken, and acknowledged."""
        question = self.analysis.question
        said_so = question is not None and question.fact is not None and not question.fact.question_only
        if self.state.step == 0 or (question is not None and not said_so) or is_question(_heard(self.analysis.text)):
            return False
        if self._amend_address():
            return True
        done = self.setup.scenario.steps[self.state.step - 1]
        correcting = CORRECTION.search(self.analysis.text) is not None  # "아니다, 그냥 물 주세요"
        for slot in done.slots:
            if slot.kind != "choice" or (slot.offer and not correcting):
                continue
            answer = extract(slot, _heard(self.analysis.text))
            if answer is not None and answer.value in {value.id for value in slot.values}:
                self._set({slot.id: answer})
                value = Speaker(self.setup, self.slots).value(slot.id) or ""
                said = self._step_reply(done, False) if slot is done.slots[0] else None
                self.reply.add("step", said or self.pick(common().lines.amended, value=value))
                self.reply.add("ask", self.speaker.say(self.setup.scenario.steps[self.state.step].ask))
                return True
        return False

    def _amend_address(self) -> bool:
        """"오 층 아니고 삼 층이에요. 삼백일 호요": the address given before, corrected."""
        done = self.setup.scenario.steps[: self.state.step]
        slot = next((slot for step in done for slot in step.slots if slot.kind == "address"), None)
        old = self.slots.get(slot.id) if slot is not None else None
        corrected = corrected_address(old.said or old.value, self.analysis.text) if old and slot else None
        if slot is None or corrected is None:
            return False
        address, parts = corrected
        self._set({slot.id: SlotAnswer(address, said=address)})
        self.reply.add("step", self.pick(common().lines.corrected, value=parts))
        self.reply.add("ask", self.speaker.say(self.setup.scenario.steps[self.state.step].ask))
        return True

    def _new_answer(self, step: Step) -> dict[str, SlotAnswer] | None:
        """The answer to an earlier step said together with a no ("이거 말고 연두부요")."""
        heard = _heard(self.analysis.text)
        for slot in step.slots:
            if slot.kind != "choice":
                continue
            answer = extract(slot, heard)
            if answer is not None:
                return {slot.id: answer}
        return None

    def _set(self, found: Mapping[str, SlotAnswer], assumed: bool = False) -> None:
        for slot_id, value in found.items():
            self.slots[slot_id] = value
            self.set_slots.append(slot_id)
        known = set(self.changes.get("assumed", self.state.assumed))  # type: ignore[arg-type]
        self.changes["assumed"] = frozenset(known | set(found)) if assumed else frozenset(known - set(found))

    def _advance(self, assumed: bool = False) -> None:
        """Every step now answered gets its reply; then the next question, or the closing one."""
        steps = self.setup.scenario.steps
        index = self.state.step
        while index < len(steps) and all(s.id in self.slots for s in steps[index].slots if s.required):
            if index > self.state.step and index in self.step_said:  # answered ahead: acknowledged then
                index += 1
                continue
            said = self._step_reply(steps[index], assumed and index == self.state.step)
            if said and steps[index].slots[0].id in self.acknowledged:  # reached now: its own line says it
                self.reply.parts.remove(("answer", self.acknowledged[steps[index].slots[0].id]))
            self.reply.add("info" if steps[index].informative else "step", said)
            self.reply.step_first = self.reply.step_first or steps[index].slots[0].offer
            self.step_said[index] = said or ""
            index += 1
        self.changes.update(step=index, misses=0, model_given=False, noes=0)
        if index < len(steps):
            self._first_ask(steps[index])
        else:
            self.changes["phase"] = "closing"
            self.reply.add("ask", self.speaker.say(self.setup.scenario.closing.prompt))

    def _first_ask(self, step: Step) -> None:
        if step.lead_in is not None:
            self.reply.add("lead", self.speaker.say(step.lead_in))
        self.reply.add("ask", self.speaker.say(step.ask))

    def _step_reply(self, step: Step, assumed: bool) -> str | None:
        value = self.slots[step.slots[0].id].value
        keys = ([ASSUMED] if assumed else []) + [value, "*"]
        line = next((step.replies[key] for key in keys if key in step.replies), None)
        return self.speaker.say(line) if line else None

    def _no(self, step: Step, found: Mapping[str, SlotAnswer]) -> None:
        turn = step.on_no[min(self.state.noes, len(step.on_no) - 1)]
        previous = self.step_said.get(self.state.step - 1, "")
        self.changes["noes"] = self.state.noes + 1
        if turn.then == "back":
            back = self.state.step - 1
            for slot in self.setup.scenario.steps[back].slots:
                self.slots.pop(slot.id, None)
            self.changes.update(step=back, misses=0, model_given=False, noes=0)
            again = self._new_answer(self.setup.scenario.steps[back])
            if again is None:
                self.reply.add("ask", self.speaker.say(turn.reply))
                return
            self._set(again)  # "이거 말고요, 연두부요": the step again, with the new answer
            self.changes["step"] = back
            self.state = replace(self.state, step=back)
            self._advance()
        elif turn.then == "stay":
            self.reply.add("ask", self.speaker.say(turn.reply, previous=previous))
        elif turn.then == "close":
            self._set(found)
            self.reply.add("step", self.speaker.say(turn.reply))
            self.reply.add("ask", self._anything_else())
            self.changes.update(phase="closing", closed_early=True, step=len(self.setup.scenario.steps))
        else:
            self._set(found)
            self.reply.add("step", self.speaker.say(turn.reply, previous=previous))
            self.step_said[self.state.step] = self.reply.parts[-1][1]
            steps = self.setup.scenario.steps
            following = self.state.step + 1
            self.changes.update(step=following, misses=0, model_given=False, noes=0)
            if following < len(steps):
                self._first_ask(steps[following])
            else:
                self.changes["phase"] = "closing"
                self.reply.add("ask", self.speaker.say(self.setup.scenario.closing.prompt))

    def _miss(self, step: Step) -> None:
        """Ask again in simpler words, then offer a sentence, then take the next attempt and move on."""
        if (self.state.model_given or self.state.misses >= 2) and self._unanswerable():
            self.missed = True  # "이제 다 된 겁니까?" is a question, not a close attempt to take as the answer
            self.reply.drop("social")
            self.reply.add("frame", self.pick(common().lines.unknown_question))
            self.reply.add("ask", self.speaker.say(step.ask))
            return
        if self.state.model_given or self.state.misses >= 2:
            self.accepted = True
            assumed = {
                slot.id: SlotAnswer(step.model_values.get(slot.id, "*"))
                for slot in step.slots
                if slot.required and slot.id not in self.slots
            }
            self._set(assumed, assumed=True)
            self.reply.add("accept", self.pick(common().lines.accept))
            self._advance(assumed=True)
            return
        self.missed = True
        if self._unanswerable():  # "배달 되나요?": not an answer; the partner says so, then asks again
            self.reply.drop("social")
            self.reply.add("frame", self.pick(common().lines.unknown_question))
        if self.state.misses == 0:
            if not self.reply.has("frame"):
                self.reply.add("frame", self.pick(common().lines.miss))
            self.reply.add("ask", self.speaker.say(step.rephrase))
            self.changes["misses"] = 1
        else:
            self._model(step)
            self.changes["misses"] = 2

    def _answer_from_step(self, step: Step) -> bool:
        """"비밀번호는 제가 누르면 돼요?": a question about what the step itself asks for is answered from
        the step's own words ("네, 이제 비밀번호 네 자리를 여기 눌러 주세요."), not with "I don't know"."""
        asked = _things(self.analysis.text)
        said = " ".join(filter(None, (self.speaker.say(step.ask), self.speaker.say(step.rephrase))))
        for sentence in re.findall(r"[^.?!]+[.!]", said):
            if any(thing in sentence.replace(" ", "") for thing in asked):
                wh = re.search(QUESTION_WORDS, self.analysis.text) is not None
                yes = "" if wh else ("응, " if self.setup.partner_register == "banmal" else "네, ")
                self.reply.add("answer", f"{yes}{sentence.strip()}")
                self.reply.add("ask", (self.speaker.say(step.ask) or "").replace(sentence.strip(), "").strip())
                return True
        return False

    def _unanswerable(self) -> bool:
        """A question the partner has no answer to ("배달 되나요?" at a table), with nothing else said."""
        return (
            self.analysis.question is None
            and self.analysis.small_talk is None
            and self.acts <= {"greet"}
            and not self.analysis.slots
            and not self.analysis.ahead
            and is_question(heard := utterance(self.analysis.text))
            and not heard.garbled  # "눠가 제일있허용?": not caught, rather than not known
        )

    def _model(self, step: Step) -> None:
        model = step.model.say(self.setup.language, self.setup.learner_register)
        self.reply.add("frame", self.pick(common().lines.model))
        self.reply.add("ask", f"“{model}”")
        self.changes["model_given"] = True

    def _back_to(self, step: Step) -> None:
        """After answering something else, the step's question again (unless the answer asks one)."""
        answers = [text for kind, text in self.reply.parts if kind in ("answer", "chat", "social")]
        if answers and answers[-1].endswith("?"):
            return
        if not self.reply.has("step", "info"):
            ask = self.speaker.say(step.ask) or ""
            if ask and self.state.said.endswith(ask) and step.rephrase is not None:
                ask = self.speaker.say(step.rephrase) or ask  # not the same question turn after turn
            self.reply.add("ask", ask)

    # answers, social acts

    def _social(self) -> None:
        lines = common().lines
        question = self.analysis.question
        if "origin" in self.acts and not (question is not None and question.fact is not None):
            self.reply.add("social", self.pick(common().origin[self.setup.role.relationship]))
        only_greeting = self.acts <= {"greet"} and not self.analysis.slots
        if "greet" in self.acts and (only_greeting or not self.state.log) and not self.reply.has("social"):
            self.reply.add("social", self.pick(lines.greet))
        if "thanks" in self.acts and self.acts <= {"thanks", "greet"} and not self.set_slots:
            self.reply.add("social", self.pick(lines.thanks))

    def _answers(self) -> None:
        question = self.analysis.question
        if question is not None and question.fact is not None and self._takes_offer(question.fact.proposes):
            return
        if question is not None and not self._answered_by_step(question):
            self.reply.add("answer", self._answer(question))
            if question.topic is not None and self.set_slots:  # "등산 좋아해. 너는?": the reaction comes first
                self.reply.step_first = True
            if question.fact is not None and question.fact.proposes:
                self.changes["proposed"] = dict(question.fact.proposes)
        if self.analysis.small_talk is not None:
            self.reply.add("chat", self.pick(self.analysis.small_talk.answers))

    def _takes_offer(self, proposes: Mapping[str, str]) -> bool:
        """"모레는 안 돼요? 모레 오후요": the question and the choice in one turn. The choice is taken at
        once (with the step's own line), instead of offering it and asking again."""
        said = statements(self.analysis.text)
        if not proposes or not said or self.state.phase != "steps":
            return False
        steps = self.setup.scenario.steps
        found = {}
        for slot_id, value in proposes.items():
            answer = extract(self.setup.scenario.slot(slot_id), _heard(said))
            if answer is None or answer.value != value:
                return False
            found[slot_id] = answer
        index = next(n for n, step in enumerate(steps) if any(slot.id in found for slot in step.slots))
        if index >= self.state.step:
            return False  # the step's own turn: taken by the step
        self._set(found)
        self.reply.add("step", self._step_reply(steps[index], False))
        self.reply.add("ask", self.speaker.say(steps[self.state.step].ask))
        return True

    def _answered_by_step(self, question: Question) -> bool:
        """"물 주세요" as the drink ordered: the step's reply says it, not the fact as well."""
        fact = question.fact
        return (
            fact is not None
            and not fact.question_only
            and bool(self.set_slots)
            and not is_question(utterance(self.analysis.text))
        )

    def _answer(self, question: Question) -> str | None:
        lines = common().lines
        if question.term is not None:
            return self.speaker.say(question.term.explain)
        if question.south_word is not None:
            entry = question.south_word
            return self.pick(lines.south_word, north=entry.north, south=entry.south)
        if question.topic is not None:
            return self.speaker.say(question.topic.line(self.setup.role.relationship))
        if question.fact is not None:
            fact = question.fact
            values = dict(self.slots)
            if question.value is not None and fact.about:
                values[fact.about] = question.value
            said = Speaker(self.setup, values).say(fact.answer)
            if said is None and fact.otherwise is not None:
                said = self.speaker.say(fact.otherwise)
            return said
        step = self.setup.scenario.steps[min(self.state.step, len(self.setup.scenario.steps) - 1)]
        return f"{self.pick(lines.unknown_word)} {self.speaker.say(step.rephrase)}"

    # after the last step

    def _anything_else(self) -> str:
        """"Anything else?" as the role asks it: service staff politely, classmates as classmates."""
        lines = common().lines
        social = self.setup.role.relationship in SOCIAL_ROLES
        return self.pick(lines.anything_else_social if social else lines.anything_else)

    def after_steps(self) -> None:
        lines, closing = common().lines, self.setup.scenario.closing
        self._social()
        self._answers()
        if self.state.phase == "farewell":
            self.reply.add("bye", self.pick(lines.farewell))
            self.changes["phase"] = "ended"
        elif "goodbye" in self.acts:
            self.reply.add("bye", self.speaker.say(closing.goodbye))
            self.changes.update(phase="ended", outcome="completed")
        elif "repeat" in self.acts and not self.analysis.question:
            self.reply.add("frame", self.pick(lines.repeat))
            self.reply.add("answer", self.state.information)
        elif self.reply.has("answer", "chat") or "origin" in self.acts:
            self.reply.add("ask", self._anything_else())
        elif (
            not self.analysis.understood and not _answers_yes_or_no(self.analysis) and self.state.misses == 0
        ):
            self.missed = True  # a mumble: ask once more before saying goodbye
            self.reply.add("ask", self._anything_else())
            self.changes["misses"] = 1
        else:  # thanks, "no, that's all": the partner says goodbye
            if "origin" not in self.acts:
                self.reply.drop("social")
            self.reply.add("bye", self.speaker.say(closing.goodbye))
            self.changes.update(phase="farewell", outcome="completed")

    # the reply

    def finish(self, text: str) -> State:
        recast(self.reply, self.analysis, self.speaker, self.turn, understood=not self.missed)
        said = tidy(self.reply.text, self.setup.language)
        if said == self.state.said:  # never the same reply twice in a row
            said = f"{self.pick(common().lines.again)} {said}"
        information = self.reply.information or self.state.information
        changes = dict(self.changes)
        if self.changes.get("phase") == "ended" and self.state.phase == "farewell":
            changes.setdefault("outcome", self.state.outcome)
        new = replace(
            self.state,
            slots=self.slots,
            said=said,
            information=information,
            step_said=self.step_said,
            **changes,
        )  # type: ignore[arg-type]
        if not self.missed and "misses" not in changes and new.step == self.state.step:
            new = replace(new, misses=0)
        if "proposed" not in changes:
            new = replace(new, proposed={})
        record = TurnRecord(
            text,
            self.state.step if self.state.phase == "steps" else None,
            self.analysis,
            tuple(self.set_slots),
            self.missed,
            self.accepted,
            said,
        )
        return replace(new, log=(*self.state.log, record))


SHORT_REPLY_WORDS = 4


def _answers_yes_or_no(analysis: Analysis) -> bool:
    """A yes or no to "anything else?": a short reply, or one that starts with it."""
    phrases = common().phrases
    heard = _heard(analysis.text)
    kinds = ("yes", "no", "hard_no", "refuse", "soft_no")
    if len(heard.words) <= SHORT_REPLY_WORDS:
        return any(heard.has(phrases[kind].all) for kind in kinds)
    opening = utterance(" ".join(heard.words[:2]))
    return any(opening.has(phrases[kind].all) for kind in kinds)


def _things(text: str) -> set[str]:
    """The nouns of a text that name things (비밀번호, 신분증), for telling what a question is about."""
    return {token.form for token in tokens(text) if token.tag in ("NNG", "NNP") and len(token.form) > 1}


def _asks_what_to_say(analysis: Analysis) -> bool:
    return _heard(analysis.text).has(common().phrases["help_strong"].all)


def _says_yes(analysis: Analysis) -> bool:
    heard = _heard(analysis.text)
    return heard.words[:1] in (["네"], ["예"], ["응"], ["좋아요"], ["좋아"], ["그래요"]) or heard.has(
        ("그렇게 해", "그걸로", "그때로", "좋아요", "좋습니다", "네 그렇게")
    )


def _heard(text: str) -> Utterance:
    return utterance(southernised(text))


def _steps(setup: Setup, state: State) -> tuple[Step | None, Step | None]:
    steps = setup.scenario.steps
    if state.phase != "steps":
        return None, None
    following = steps[state.step + 1] if state.step + 1 < len(steps) else None
    return steps[state.step], following


def _ended(setup: Setup, state: State) -> str:
    said = Speaker(setup, state.slots).pick(common().lines.ended, len(state.log))
    if said == state.said:
        said = Speaker(setup, state.slots).pick(common().lines.ended, len(state.log) + 1)
    return said
