"""`talkline eval practice`: the dialogue test set (data/eval) played against the partner.

Per scenario and overall: how many turns a patient person would have understood the partner
understood, immediate repeats, register errors by role, North Korean word recall and precision (the
feedback's analysis), northern endings found, and how the calls ended. With `speech`, each learner
turn may first be spoken (espeak-ng Korean) and heard back (whisper-base), as on a real call.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from importlib.resources import files
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, field_validator

from talkline.profiles.practice.catalog import Setup, setup_for
from talkline.profiles.practice.dialogue import State, TurnRecord, replay
from talkline.profiles.practice.endings import find_endings
from talkline.profiles.practice.glossary import north_korean_words
from talkline.profiles.practice.registers import sentence_level
from talkline.profiles.practice.slots import MANY

QUOTED = re.compile(r"[“‘][^”’]*[”’]")
ENDING_LABELS = {
    "습네까": "bnikka",
    "ㅂ네까": "bnikka",
    "ㅂ네다": "bnida",
    "습네다": "bnida",
    "수다": "suda",
    "소": "hao",
    "오": "hao",
    "시오": "sio",
    "슴다": "seumda",
    "ㅁ다": "seumda",
    "슴둥": "seumdung",
    "ㅁ둥": "seumdung",
    "얼마요": "eolmayo",
    "갔": "gat",
}
Transcriber = Callable[[str], str]


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    say: str
    act: list[str]
    slots: dict[str, Any] = {}
    fact: str | None = None
    term: str | None = None
    topic: str | None = None
    nk: list[str] = []
    endings: list[str] = []

    @field_validator("act", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class Dialogue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    persona: str
    recast: str = "gentle"
    goal_reached: bool
    turns: list[Turn]


@dataclass
class Tally:
    turns: int = 0
    understandable: int = 0
    understood: int = 0
    unclear: int = 0
    unclear_handled: int = 0
    repeats: int = 0
    register_checked: int = 0
    register_errors: Counter[str] = field(default_factory=Counter)
    nk_expected: int = 0
    nk_found: int = 0
    nk_correct: int = 0
    endings_expected: int = 0
    endings_found: int = 0
    endings_correct: int = 0
    dialogues: int = 0
    endings_handled: int = 0
    heard: int = 0  # turns that went through speech (or simulated recognition), a patient person would get
    heard_understood: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name, value in vars(other).items():
            if isinstance(value, Counter):
                self.register_errors.update(value)
            elif isinstance(value, list):
                getattr(self, name).extend(value)
            else:
                setattr(self, name, getattr(self, name) + value)

    @property
    def understood_rate(self) -> float:
        return self.understood / self.understandable if self.understandable else 1.0

    @property
    def heard_rate(self) -> float:
        return self.heard_understood / self.heard if self.heard else 1.0

    @property
    def nk_recall(self) -> float:
        return self.nk_correct / self.nk_expected if self.nk_expected else 1.0

    @property
    def nk_precision(self) -> float:
        return self.nk_correct / self.nk_found if self.nk_found else 1.0


@dataclass
class Report:
    scenarios: dict[str, Tally]
    group: str = "main"
    speech: dict[str, Any] | None = None  # the run heard through speech (or simulated recognition)
    noise: dict[str, Any] | None = None  # the run with simulated recognition errors, beside the text run
    blind: dict[str, Any] | None = None  # the blind group's scenarios, beside the main set

    @property
    def overall(self) -> Tally:
        total = Tally()
        for tally in self.scenarios.values():
            total.add(tally)
        return total

    def table(self) -> Any:
        from rich.table import Table

        name = "Practice dialogue set" + ("" if self.group == "main" else f" ({self.group})")
        table = Table(title=name + (" (heard through speech)" if self.speech else ""))
        for column in (
            "scenario",
            "turns",
            "understood",
            "repeats",
            "register errors",
            "NK recall",
            "NK precision",
            "endings (NK)",
            "calls ended well",
        ):
            table.add_column(column, justify="left" if column == "scenario" else "right")
        for name, tally in [*self.scenarios.items(), ("overall", self.overall)]:
            errors = ", ".join(f"{role} {n}" for role, n in sorted(tally.register_errors.items())) or "0"
            table.add_row(
                name,
                str(tally.turns),
                f"{tally.understood}/{tally.understandable} ({tally.understood_rate:.1%})",
                str(tally.repeats),
                errors,
                f"{tally.nk_correct}/{tally.nk_expected} ({tally.nk_recall:.1%})",
                f"{tally.nk_correct}/{tally.nk_found} ({tally.nk_precision:.1%})",
                f"{tally.endings_correct}/{tally.endings_expected}",
                f"{tally.endings_handled}/{tally.dialogues}",
            )
        return table

    def summary(self) -> list[str]:
        """Lines under the table: the speech run, and the turns the partner got wrong."""
        lines = []
        if self.speech:
            overall = self.overall
            lines.append(
                f"{self.speech['turns']} learner turns through {self.speech['voice']}: character error rate "
                f"mean {self.speech['cer_mean']}, median {self.speech['cer_median']}; understood "
                f"{overall.heard_understood}/{overall.heard} ({overall.heard_rate:.1%}) of those a patient "
                "person would get"
            )
            clip = self.speech.get("clip")
            if clip:
                lines.append(
                    f"real recorded Korean ({clip['path']}): CER {clip['cer']} — heard {clip['heard']!r}"
                )
        overall = self.overall
        lines.append(
            f"unclear turns (a patient person would ask again): {overall.unclear}, "
            f"handled without pretending: {overall.unclear_handled}"
        )
        lines += [f"  missed: {miss}" for miss in overall.misses]
        return lines

    def to_json(self) -> str:
        body = {
            name: {
                **asdict(tally),
                "understood_rate": tally.understood_rate,
                "nk_recall": tally.nk_recall,
                "nk_precision": tally.nk_precision,
            }
            for name, tally in {**self.scenarios, "overall": self.overall}.items()
        }
        return json.dumps(
            {"scenarios": body, "speech": self.speech, "noise": self.noise, "blind": self.blind}, ensure_ascii=False, indent=2
        )


GROUPS = ("main", "blind")  # main: data/eval/*.yaml; blind: data/eval/blind/*.yaml, written without the code


@functools.cache
def dialogue_sets(group: str = "main") -> dict[str, list[Dialogue]]:
    folder = files("talkline.profiles.practice").joinpath("data", "eval")
    if group != "main":
        folder = folder.joinpath(group)
    sets = {}
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.endswith(".yaml"):
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            sets[raw["scenario"]] = [Dialogue.model_validate(d) for d in raw["dialogues"]]
    return sets


def run_evaluation(
    transcribe: Transcriber | None = None,
    select: Callable[[str, int], bool] | None = None,
    group: str = "main",
) -> Report:
    """Play every dialogue of a group; `transcribe` turns a learner line into what the recogniser heard
    (for the turns `select(dialogue_id, turn_index)` picks)."""
    scenarios = {}
    for scenario_id, dialogues in dialogue_sets(group).items():
        tally = Tally()
        for dialogue in dialogues:
            tally.add(run_dialogue(scenario_id, dialogue, transcribe, select))
        scenarios[scenario_id] = tally
    return Report(scenarios, group)


def run_dialogue(
    scenario_id: str,
    dialogue: Dialogue,
    transcribe: Transcriber | None = None,
    select: Callable[[str, int], bool] | None = None,
) -> Tally:
    setup = setup_for({"scenario": scenario_id, "persona": dialogue.persona, "recast": dialogue.recast}, "ko")
    chosen = [
        transcribe is not None and (select is None or select(dialogue.id, n))
        for n in range(len(dialogue.turns))
    ]
    heard = [
        transcribe(turn.say) if transcribe and chosen[n] else turn.say
        for n, turn in enumerate(dialogue.turns)
    ]
    states = [replay(setup, heard[:n]) for n in range(len(heard) + 1)]
    tally = Tally(dialogues=1)
    _check_register(setup, [state.said for state in states], tally)
    for n, turn in enumerate(dialogue.turns):
        before, after = states[n], states[n + 1]
        record = after.log[-1]
        tally.turns += 1
        tally.repeats += after.said == before.said
        understood = _check_understanding(dialogue, n, turn, before, after, record, tally)
        if chosen[n] and understood is not None:
            tally.heard += 1
            tally.heard_understood += understood
        _check_north_korean(turn, heard[n] if transcribe is None else turn.say, tally)
    tally.endings_handled += _ending_handled(setup, dialogue, states)
    return tally


def _check_understanding(
    dialogue: Dialogue, n: int, turn: Turn, before: State, after: State, record: TurnRecord, tally: Tally
) -> bool | None:
    """Whether the partner showed what the turn asked for (None for a turn nobody could understand)."""
    if turn.act == ["unclear"]:
        tally.unclear += 1
        tally.unclear_handled += not record.analysis.slots or record.accepted
        return None
    tally.understandable += 1
    failed = [act for act in turn.act if not _shown(act, turn, before, after, record)]
    if failed:
        heard = f" (heard {record.text!r})" if record.text != turn.say else ""
        tally.misses.append(f"{dialogue.id}#{n + 1} {turn.say!r}{heard}: {', '.join(failed)} → {after.said}")
        return False
    tally.understood += 1
    return True


def _shown(act: str, turn: Turn, before: State, after: State, record: TurnRecord) -> bool:
    """Whether the partner showed the behaviour the turn is labelled with."""
    analysis, question = record.analysis, record.analysis.question
    match act:
        case "answer":
            taken = {slot: after.slots.get(slot) for slot in record.set_slots}
            return not record.accepted and all(
                _slot_matches(analysis.slots.get(slot), expected) or _slot_matches(taken.get(slot), expected)
                for slot, expected in turn.slots.items()
            )
        case "fact":
            return question is not None and question.fact is not None and question.fact.id == turn.fact
        case "explain":
            return question is not None and (
                (question.term is not None and turn.term in question.term.spellings)
                or (question.south_word is not None and question.south_word.south == turn.term)
            )
        case "personal":
            return question is not None and question.topic is not None and question.topic.id == turn.topic
        case "goodbye":
            return after.finished
        case "thanks":
            return "thanks" in analysis.acts or after.finished
        case "repeat":
            return "repeat" in analysis.acts and before.information in after.said
        case "help":
            return "help" in analysis.acts and "“" in after.said
        case "small_talk":
            return analysis.small_talk is not None or (question is not None and question.fact is not None)
        case _:
            return act in analysis.acts


def _slot_matches(answer: Any, expected: Any) -> bool:
    if answer is None:
        return False
    options = expected if isinstance(expected, list) else [expected]
    taken = set(answer.value.split(MANY))  # a slot that takes several things ("지짐이 하나하고 된장찌개")
    return any(
        str(option) == "*" or str(option) in taken or str(option) == (answer.said or "") for option in options
    )


def _check_register(setup: Setup, replies: Iterable[str], tally: Tally) -> None:
    expected = setup.partner_register
    for reply in replies:
        for sentence in re.split(r"(?<=[.?!])\s+", QUOTED.sub("", reply)):
            level = sentence_level(sentence)
            if level is None:
                continue
            tally.register_checked += 1
            if (level == "banmal") != (expected == "banmal"):
                tally.register_errors[setup.role.relationship] += 1
                tally.misses.append(f"register ({setup.role.relationship}, {level}): {sentence}")


def _check_north_korean(turn: Turn, text: str, tally: Tally) -> None:
    found = {entry.north for entry in north_korean_words(text)}
    expected = set(turn.nk)
    tally.nk_expected += len(expected)
    tally.nk_found += len(found)
    tally.nk_correct += len(found & expected)
    if found != expected:
        tally.misses.append(
            f"north korean words in {text!r}: expected {sorted(expected)}, found {sorted(found)}"
        )
    endings = {found.ending.id for found in find_endings(text)}
    wanted = {ENDING_LABELS[label] for label in turn.endings}
    tally.endings_expected += len(wanted)
    tally.endings_found += len(endings)
    tally.endings_correct += len(endings & wanted)
    if endings != wanted:
        tally.misses.append(f"endings in {text!r}: expected {sorted(wanted)}, found {sorted(endings)}")


def _ending_handled(setup: Setup, dialogue: Dialogue, states: list[State]) -> bool:
    """The call ended as it should: the partner's goodbye only after the learner's own, the goal reached
    exactly when every required slot was given, an early goodbye taken as leaving."""
    final = states[-1]
    first_bye = next((n for n, state in enumerate(states) if state.finished), None)
    prompted = first_bye is not None and {"goodbye", "thanks"} & set(dialogue.turns[first_bye - 1].act)
    last_is_goodbye = "goodbye" in dialogue.turns[-1].act
    return (
        (first_bye is None or bool(prompted))
        and final.finished == last_is_goodbye
        and final.goal_reached(setup) == dialogue.goal_reached
        and (dialogue.goal_reached or final.outcome == "quit" or final.closed_early)
    )
