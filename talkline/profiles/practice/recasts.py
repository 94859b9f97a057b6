"""Recasts in the moment: how the partner answers a North Korean word or ending during the call.

- off: the partner just answers.
- gentle (default): the partner answers using the South Korean word, echoing it first when the answer
  would not otherwise say it ("아, 아이스크림이요? 저쪽 냉동 코너에 있어요"), as a kind South Korean does.
- explicit: and then says briefly how people here say it, before going on with the task.
"""

from __future__ import annotations

from talkline.profiles.practice.catalog import Setup, common
from talkline.profiles.practice.korean import fill
from talkline.profiles.practice.registers import is_polite, utterance_level
from talkline.profiles.practice.replies import Reply, Speaker
from talkline.profiles.practice.understanding import Analysis

ECHO = {"ko": "아, {south}{south~이요/요}?", "ko_banmal": "아, {south}?", "en": "Oh, {south}?"}
MAX_NOTES = 2


def recast(reply: Reply, analysis: Analysis, speaker: Speaker, turn: int, understood: bool) -> None:
    """Add the recast the call's mode asks for to a reply that already answers the turn."""
    setup = speaker.setup
    if setup.recast == "off" or setup.language == "en" or not understood:
        return
    words = [found.entry for found in analysis.north_words if found.entry.kind != "false_friend"]
    if setup.recast == "gentle":
        said, things = reply.text, _things(setup)
        if any(entry.south in said for entry in words):
            return  # the answer already says it the South Korean way
        echoed = [entry for entry in words if entry.pos == "noun" and entry.south in things]
        if echoed:
            reply.add("recast", _echo(setup, echoed[0].south))
        return
    lines = common().lines
    notes = [
        speaker.pick(
            lines.recast_word if n == 0 else lines.recast_word_more,
            turn,
            north=entry.north,
            south=entry.south,
        )
        for n, entry in enumerate(words)
    ]
    notes += [
        speaker.pick(lines.recast_ending, turn, north=found.word, south=found.south_word)
        for found in analysis.endings
    ]
    if is_polite(setup.learner_register) and utterance_level(analysis.text) == "banmal":
        notes += [speaker.pick(lines.recast_register, turn)]
    for note in notes[:MAX_NOTES]:
        reply.add("note", note)


def _things(setup: Setup) -> set[str]:
    """The words for the things of the situation (its slot values): what a recast may echo."""
    return {
        word
        for step in setup.scenario.steps
        for slot in step.slots
        for value in slot.values
        for word in (value.ko, *value.words)
    }


def _echo(setup: Setup, south: str) -> str:
    key = "ko_banmal" if setup.partner_register == "banmal" else "ko"
    return fill(ECHO[key], {"south": south}.get) or ""
