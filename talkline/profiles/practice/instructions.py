"""The system prompt for an LLM playing a practice call, written from the same scenario data as the
offline partner: the role and its register, the steps and their slots, the recast policy, the facts and
words of the situation, the North Korean words likely to come up, and the call's progress so far.

Progress stays with the server: every turn the learner's words so far are replayed through the same
understanding the offline partner uses, and the result (steps done, slots given, what the last turn
was understood as) is written into the prompt. The model follows it; feedback is computed from the
transcript the same way, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from talkline.agent.history import Turn
from talkline.profiles.practice.agent import call_setup, user_texts
from talkline.profiles.practice.catalog import Setup
from talkline.profiles.practice.dialogue import State, replay
from talkline.profiles.practice.glossary import GlossaryEntry, glossary
from talkline.profiles.practice.models import Line
from talkline.profiles.practice.slots import say_value

REGISTER_RULES = {
    "banmal": "Speak casual Korean (반말) only: you and the learner are friends of the same age and agreed to "
    "talk casually. Never use 존댓말 endings such as -요 or -습니다.",
    "haeyo": "Speak polite Korean (존댓말: 해요체, with set phrases in 합쇼체 such as 감사합니다), as {role} always "
    "does with a member of the public, whoever plays the role. Never speak 반말.",
    "hapsyo": "Speak formal polite Korean (합쇼체: -습니다, -습니까, mixed with 해요체), as an interviewer does. "
    "Never speak 반말.",
}
LEARNER_REGISTERS = {
    "banmal": "casual 반말 (same-age friends)",
    "haeyo": "polite 해요체 (-요)",
    "hapsyo": "formal 합쇼체 (-습니다, -습니까), or at least 해요체",
}
RECAST_RULES = {
    "off": "If the learner uses a North Korean word or ending, just answer naturally; do not correct anything "
    "during the call (feedback comes afterwards).",
    "gentle": "If the learner uses a North Korean word or ending, answer naturally and use the South Korean word "
    'yourself, echoing it kindly ("아, 아이스크림이요? 저쪽 냉동 코너에 있어요."). Never lecture.',
    "explicit": "If the learner uses a North Korean word or ending, answer, then add one short sentence on how "
    'people in the South say it ("참고로 여기서는 ‘소젖’보다 ‘우유’라고 많이 해요."), then go on.',
}
TOPICS = {
    "mart": ("food", "home"),
    "restaurant": ("food",),
    "friend": ("people", "things", "expressions"),
    "hospital": ("health",),
    "directions": ("transport", "public"),
    "bank": ("money", "public"),
    "community_centre": ("public", "home"),
    "interview": ("work", "people"),
}
MAX_WORDS = 40


def practice_instructions(setup: Setup, state: State | None = None) -> str:
    """The whole system prompt for one call (with its progress when the call is under way)."""
    parts = [
        _who(setup),
        _steps(setup),
        _closing(setup),
        _facts(setup),
        _words(setup),
        _north(setup),
        _rules(setup),
    ]
    if state is not None and state.log:
        parts.append(_progress(setup, state))
    return "\n\n".join(part for part in parts if part)


def instructions_for(
    options: Mapping[str, Any], language: str | None = None, history: Sequence[Turn] = ()
) -> str:
    """Instructions for the call the session's options describe, after the turns in `history`."""
    texts = user_texts(history)
    setup = call_setup(options, language, texts)
    return practice_instructions(setup, replay(setup, texts) if texts else None)


def _say(setup: Setup, line: Line) -> str:
    return line.say(setup.language, setup.partner_register).replace(
        "{persona}", setup.persona.name.get(setup.language)
    )


def _who(setup: Setup) -> str:
    scenario, persona, role = setup.scenario, setup.persona, setup.role
    speech = (
        REGISTER_RULES[setup.partner_register].format(role=role.title.en)
        if setup.language == "ko"
        else "Speak simple, friendly English."
    )
    return (
        f"You are {persona.name.en} ({persona.name.ko}). {persona.description.en}\n"
        "This is a phone-call conversation practice for a North Korean defector learning everyday South Korean.\n"
        f'In the scenario "{scenario.title.en}" ({scenario.title.ko}) you play {role.title.en} '
        f"({role.title.ko}); your relationship to the learner: {role.relationship}.\n"
        f"Setting: {scenario.setting.en}\nThe learner's goal: {scenario.goal.en}\n"
        f"{speech}\nThe learner should speak {LEARNER_REGISTERS[setup.learner_register]} to you.\n"
        f'Open the call with: "{_say(setup, scenario.opening)} {_say(setup, scenario.steps[0].ask)}"'
    )


def _steps(setup: Setup) -> str:
    lines = [
        "Guide the learner through these steps, one at a time, in order. A step is done when its slots "
        "are given; the server tracks them (see Progress)."
    ]
    for number, step in enumerate(setup.scenario.steps, 1):
        slots = ", ".join(
            f"{slot.id} ({slot.title.en}{'' if slot.required else ', optional'}"
            f"{': ' + ' / '.join(v.ko for v in slot.values[:8]) if slot.kind == 'choice' else ''})"
            for slot in step.slots
        )
        model = step.model.say(setup.language, setup.learner_register)
        lines.append(
            f"{number}. {step.title.en}: "
            + (f'first say "{_say(setup, step.lead_in)}", then ' if step.lead_in else "")
            + f'ask "{_say(setup, step.ask)}" — slots: {slots}. '
            f'If asked again, in simpler words: "{_say(setup, step.rephrase)}". '
            f'A sentence the learner could say: "{model}"'
        )
    return "\n".join(lines)


def _closing(setup: Setup) -> str:
    closing = setup.scenario.closing
    return (
        f'After the last step, say "{_say(setup, closing.prompt)}" and wait: the learner may ask something '
        f'more or say goodbye. Say goodbye ("{_say(setup, closing.goodbye)}") only after the learner does; '
        f'if they leave early, say "{_say(setup, closing.early)}".'
    )


def _facts(setup: Setup) -> str:
    if not setup.scenario.facts:
        return ""
    lines = ["Answer questions about the situation from these facts only, then return to the current step:"]
    for fact in setup.scenario.facts:
        answer = fact.otherwise if fact.about else fact.answer
        if answer is not None:
            lines.append(f"- {fact.id}: {_say(setup, answer)}")
    for step in setup.scenario.steps:
        for slot in step.slots:
            for value in slot.values:
                if value.facts:
                    details = "; ".join(
                        f"{key}: {text.get(setup.language)}" for key, text in value.facts.items()
                    )
                    lines.append(f"- {value.ko} ({value.en}): {details}")
    return "\n".join(lines)


def _words(setup: Setup) -> str:
    if not setup.scenario.terms:
        return ""
    lines = ['If the learner asks what a word means ("X가 뭐예요?"), explain it simply:']
    lines += [f"- {term.word}: {_say(setup, term.explain)}" for term in setup.scenario.terms]
    return "\n".join(lines)


def scenario_glossary(setup: Setup) -> list[GlossaryEntry]:
    """The North Korean words most likely in this scenario: its things' northern names, then its topics."""
    things = {
        word
        for step in setup.scenario.steps
        for slot in step.slots
        for value in slot.values
        for word in (value.ko, *value.words)
    }
    named = [entry for entry in glossary() if entry.north in things or entry.south in things]
    topical = [
        entry
        for entry in glossary()
        if entry.topic in TOPICS.get(setup.scenario.id, ()) and entry not in named
    ]
    always = [entry for entry in glossary() if entry.north == "일없다" and entry not in named]
    return (named + always + topical)[:MAX_WORDS]


def _north(setup: Setup) -> str:
    if setup.language != "ko":
        return ""
    lines = [
        RECAST_RULES[setup.recast],
        "North Korean words the learner may use here (North → South, meaning):",
    ]
    lines += [f"- {entry.north} → {entry.south} ({entry.english})" for entry in scenario_glossary(setup)]
    lines.append(
        "Northern endings: -습네까/-ㅂ네까 → -습니까, -습네다 → -습니다, -수다 → -습니다/-어요, "
        "-오/-소 → -어요, -슴다/-ㅁ다 → -습니다, -슴둥 → -습니까, 얼마요 → 얼마예요. "
        '일없습니다 means "no, thanks" (괜찮습니다).'
    )
    return "\n".join(lines)


def _rules(setup: Setup) -> str:
    return (
        "Keep each turn to one or two short sentences, like a real phone call. Never say the same thing "
        "twice in a row. If the learner asks you to say it again, repeat your last information, more slowly. "
        "If you do not understand, ask again in simpler words; the second time, offer the sentence they "
        "could say; the third time, take their best attempt and move on. If they say they come from North "
        "Korea, answer warmly and naturally, then carry on. Answer small talk briefly and come back to the "
        "task. Tools: get_expression_hint gives a sentence the learner could say at a step; explain_word "
        "explains a word of the situation or a North Korean word."
    )


def _progress(setup: Setup, state: State) -> str:
    """What the server understood of the call so far."""
    lines = ["Progress (tracked by the server from the learner's words; follow it):"]
    for number, step in enumerate(setup.scenario.steps, 1):
        given = [
            f"{slot.id}: {say_value(slot, state.slots[slot.id], setup.language)}"
            for slot in step.slots
            if slot.id in state.slots
        ]
        if all(slot.id in state.slots for slot in step.slots if slot.required):
            lines.append(f"- step {number} ({step.title.en}) done — {', '.join(given)}")
        elif state.phase == "steps" and number - 1 == state.step:
            missing = [slot.id for slot in step.slots if slot.required and slot.id not in state.slots]
            lines.append(
                f"- step {number} ({step.title.en}) is now: still needed {', '.join(missing)}"
                + (f"; given {', '.join(given)}" if given else "")
            )
    last = state.log[-1]
    understood = sorted(last.analysis.acts) + [f"{k}={v.value}" for k, v in last.analysis.slots.items()]
    lines.append(
        f'- The learner\'s last turn "{last.text}" was understood as: '
        f"{', '.join(understood) if understood else 'nothing (not understood)'}."
    )
    north = [f"{found.entry.north} → {found.entry.south}" for found in last.analysis.north_words]
    north += [f"{found.word} → {found.south_word}" for found in last.analysis.endings]
    if north:
        lines.append(f"- North Korean words or endings in it: {'; '.join(north)}.")
    if state.misses:
        lines.append(f"- Not understood {state.misses} time(s) in a row at this step.")
    if state.phase == "closing":
        lines.append(
            "- All steps are done: ask if there is anything else; say goodbye only after the learner does."
        )
    elif state.finished:
        lines.append("- The call is over: say a short goodbye.")
    return "\n".join(lines)
