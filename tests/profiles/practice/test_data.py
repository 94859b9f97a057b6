"""The practice data hold together: every role can be voiced in its register, lines say what they mean to."""

from __future__ import annotations

import re

import pytest

from talkline.profiles.practice import personas, scenarios
from talkline.profiles.practice.catalog import common, role_for
from talkline.profiles.practice.glossary import glossary, sources
from talkline.profiles.practice.models import Line, Scenario
from talkline.profiles.practice.registers import learner_register, partner_register, sentence_level

QUOTED = re.compile(r"[“‘][^”’]*[”’]")


def lines_of(scenario: Scenario) -> list[Line]:
    lines = [scenario.opening, scenario.closing.prompt, scenario.closing.goodbye, scenario.closing.early]
    for step in scenario.steps:
        lines += [step.ask, step.rephrase, *step.replies.values(), *(turn.reply for turn in step.on_no)]
        lines += [slot.ask for slot in step.slots if slot.ask]
    lines += [fact.answer for fact in scenario.facts] + [
        fact.otherwise for fact in scenario.facts if fact.otherwise
    ]
    return lines + [term.explain for term in scenario.terms]


def sentence_levels(text: str) -> set[str]:
    levels = {sentence_level(s) for s in re.split(r"(?<=[.?!…])\s+", QUOTED.sub("", text))}
    return {level for level in levels if level is not None}


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_every_line_is_in_the_register_its_role_speaks(scenario: Scenario) -> None:
    for role in scenario.roles:
        register = partner_register(role.relationship)
        for line in lines_of(scenario):
            text = line.say("ko", register)
            assert text, f"{scenario.id}/{role.id}: no line for {line.ko!r} in {register}"
            levels = sentence_levels(re.sub(r"\{[^}]*\}", "X", text))
            if register == "banmal":
                assert not levels & {"haeyo", "hapsyo"}, (role.id, text)
            else:
                assert "banmal" not in levels, (role.id, text)


def test_service_roles_always_speak_politely_and_only_friends_speak_banmal() -> None:
    for scenario in scenarios():
        for role in scenario.roles:
            assert (partner_register(role.relationship) == "banmal") == (role.relationship == "friend")
            assert (
                learner_register(role.relationship) == partner_register(role.relationship)
                or role.relationship == "interviewer"
            )


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: s.id)
def test_model_sentences_are_in_the_register_the_learner_owes(scenario: Scenario) -> None:
    for role in scenario.roles:
        register = learner_register(role.relationship)
        for step in scenario.steps:
            text = step.model.say("ko", register)
            assert sentence_levels(text) <= ({"banmal"} if register == "banmal" else {"haeyo", "hapsyo"}), (
                text
            )


def test_eight_scenarios_and_who_may_play_them() -> None:
    assert [s.id for s in scenarios()] == [
        "mart",
        "restaurant",
        "friend",
        "hospital",
        "directions",
        "bank",
        "community_centre",
        "interview",
    ]
    saerom, gildong = (next(p for p in personas() if p.id == name) for name in ("saerom", "gildong"))
    by_id = {s.id: s for s in scenarios()}
    assert role_for(by_id["friend"], saerom).relationship == "friend"  # type: ignore[union-attr]
    assert role_for(by_id["friend"], gildong).relationship == "elder_neighbour"  # type: ignore[union-attr]
    assert role_for(by_id["interview"], saerom) is None  # interviewers are senior: 새롬 is the learner's age
    assert all(role_for(s, gildong) is not None for s in scenarios())


def test_every_value_of_a_slot_has_the_facts_its_templates_name() -> None:
    for scenario in scenarios():
        lines = [line for step in scenario.steps for line in step.replies.values()] + [
            f.answer for f in scenario.facts
        ]
        for line in lines:
            for slot_id, fact in re.findall(r"\{(\w+)\.(\w+)", line.ko + line.en):
                if fact != "given":
                    assert all(fact in value.facts for value in scenario.slot(slot_id).values), (
                        scenario.id,
                        fact,
                    )


def test_the_glossary_has_300_pairs_and_names_its_sources() -> None:
    entries = glossary()
    assert len(entries) >= 300
    assert len({entry.north for entry in entries}) == len(entries)
    assert any("국립국어원" in source for source in sources()) and any(
        "통일부" in source for source in sources()
    )
    assert all(entry.south and entry.english for entry in entries)


def test_small_talk_and_origin_answers_exist_for_every_relationship() -> None:
    for scenario in scenarios():
        for role in scenario.roles:
            answers = common().origin[role.relationship]
            register = partner_register(role.relationship)
            assert all(line.say("ko", register) for line in answers)
