"""The partner's voice: lines said in the role's register and the call's language, with the persona's
name and the values the learner gave filled in, and variants chosen so that no reply repeats the last."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from talkline.profiles.practice.catalog import Setup
from talkline.profiles.practice.korean import fill
from talkline.profiles.practice.models import Line
from talkline.profiles.practice.slots import SlotAnswer, say_value, value_fact

# what each part of a reply is; "say that again" repeats the information: answers, informative step
# replies (a location, a route) and the question
Kind = Literal[
    "recast", "social", "chat", "answer", "accept", "step", "info", "note", "lead", "ask", "frame", "bye"
]
INFORMATION: tuple[Kind, ...] = ("answer", "info", "ask")
_SECOND_NE = re.compile(r"(?<=[.!?] )네, ")


def _one_ne(said: str) -> str:
    """One "네," a reply: "네, 새 통장 만들어 드릴게요. 확인했습니다…", not "…드릴게요. 네, 확인했습니다"."""
    if not said.startswith("네, "):
        return said
    return _SECOND_NE.sub("", said)


class Speaker:
    """Says lines as the partner of one call."""

    def __init__(self, setup: Setup, slots: Mapping[str, SlotAnswer]) -> None:
        self.setup = setup
        self.slots = slots

    def say(self, line: Line, **extra: str) -> str | None:
        """The line filled in, or None when it names a value the learner has not given."""
        template = line.say(self.setup.language, self.setup.partner_register)
        said = fill(template, lambda key: extra.get(key) or self.value(key))
        if said and self.setup.language == "en":
            said = said[0].upper() + said[1:]  # a value may open the line ("{item}? That's in…")
        return said

    def pick(self, lines: Sequence[Line], turn: int, **extra: str) -> str:
        """One of the variants, by turn; the next one when a value is missing."""
        for offset in range(len(lines)):
            text = self.say(lines[(turn + offset) % len(lines)], **extra)
            if text:
                return text
        raise ValueError("no variant of the line can be said")

    def value(self, key: str) -> str | None:
        """What a placeholder names: the persona, a value the learner gave, a fact of that value."""
        if key == "persona":
            return self.setup.persona.name.get(self.setup.language)
        slot_id, _, fact = key.partition(".")
        answer = self.slots.get(slot_id)
        if answer is None:
            return None
        slot = self.setup.scenario.slot(slot_id)
        if fact:
            return value_fact(slot, answer, fact, self.setup.language)
        return say_value(slot, answer, self.setup.language)


@dataclass
class Reply:
    """A reply being put together, part by part."""

    parts: list[tuple[Kind, str]] = field(default_factory=list)
    step_first: bool = False  # the step's reply before answers (accepting an invitation, then "when?")

    def add(self, kind: Kind, text: str | None) -> None:
        if text:
            self.parts.append((kind, text))

    def has(self, *kinds: Kind) -> bool:
        return any(kind in kinds for kind, _ in self.parts)

    def drop(self, *kinds: Kind) -> None:
        self.parts = [(kind, text) for kind, text in self.parts if kind not in kinds]

    @property
    def text(self) -> str:
        middle: tuple[Kind, ...] = (
            ("accept", "step", "info", "answer") if self.step_first else ("answer", "accept", "step", "info")
        )
        order = ("recast", "social", "frame", "chat", *middle, "note", "lead", "ask", "bye")
        said = " ".join(text for kind in order for part_kind, text in self.parts if part_kind == kind)
        return _one_ne(said)

    @property
    def information(self) -> str:
        return " ".join(text for kind, text in self.parts if kind in INFORMATION)
