"""The bundled scenarios and personas are complete, bilingual, consistent in speech level, and understood."""

from __future__ import annotations

import re

import pytest

from talkline.profiles.practice import personas, scenarios
from talkline.profiles.practice.catalog import persona, scenario
from talkline.profiles.practice.models import Line, Scenario
from talkline.profiles.practice.progress import Progress, take_turn
from talkline.profiles.practice.speech_level import speech_level

HANGUL = re.compile(r"[가-힣]")
REQUIRED = {"mart", "restaurant", "friend", "hospital", "directions", "bank", "community_centre", "interview"}


def spoken_lines(chosen: Scenario) -> list[Line]:
    lines = [chosen.opening, chosen.closing, *chosen.expressions]
    for step in chosen.steps:
        lines += [step.ask, step.hint, *(intent.reply for intent in step.intents if intent.reply)]
    return lines


def test_the_issue_scenarios_are_all_there() -> None:
    ids = [chosen.id for chosen in scenarios()]
    assert len(ids) == len(set(ids)) >= 8
    assert REQUIRED <= set(ids)


@pytest.mark.parametrize("chosen", scenarios(), ids=lambda s: s.id)
def test_a_scenario_has_goal_setting_role_opening_turns_and_expressions(chosen: Scenario) -> None:
    for text in (chosen.title, chosen.goal, chosen.setting, chosen.role):
        assert HANGUL.search(text.ko) and re.search("[A-Za-z]", text.en), text
    assert len(chosen.steps) >= 3
    assert len({step.id for step in chosen.steps}) == len(chosen.steps)
    assert len(chosen.expressions) >= 3
    persona(chosen.default_persona)  # names a real persona
    for step in chosen.steps:
        assert all(intent.ko and intent.en for intent in step.intents), step.id


@pytest.mark.parametrize("chosen", scenarios(), ids=lambda s: s.id)
def test_every_line_is_korean_in_both_levels_and_english(chosen: Scenario) -> None:
    for line in spoken_lines(chosen):
        assert HANGUL.search(line.ko) and HANGUL.search(line.ko_casual), line
        assert not HANGUL.search(line.en), line.en


@pytest.mark.parametrize("chosen", scenarios(), ids=lambda s: s.id)
def test_polite_lines_are_polite_and_casual_lines_casual(chosen: Scenario) -> None:
    for line in spoken_lines(chosen):
        assert speech_level(line.ko) == "polite", line.ko
        assert speech_level(line.ko_casual) == "casual", line.ko_casual


@pytest.mark.parametrize("chosen", scenarios(), ids=lambda s: s.id)
@pytest.mark.parametrize(("language", "level"), [("ko", "polite"), ("ko", "casual"), ("en", "polite")])
def test_each_steps_own_hint_answers_that_step(chosen: Scenario, language: str, level: str) -> None:
    progress = Progress()
    for index, step in enumerate(chosen.steps):
        progress = take_turn(chosen, progress, step.hint.text(language, level))  # type: ignore[arg-type]
        assert (progress.reaction, progress.step) == ("advance", index + 1), step.hint
    assert progress.outcome == "goal_reached"


def test_the_two_personas() -> None:
    assert {p.id for p in personas()} == {"saerom", "gildong"}
    saerom, gildong = persona("saerom"), persona("gildong")
    assert (saerom.name.ko, saerom.speech_level, saerom.voice, saerom.gender) == ("새롬", "casual", "saerom", "female")
    assert (gildong.name.ko, gildong.speech_level, gildong.voice, gildong.gender) == ("길동", "polite", "gildong", "male")


def test_making_a_friend_is_played_by_saerom_by_default() -> None:
    assert scenario("friend").default_persona == "saerom"
    assert scenario("bank").default_persona == "gildong"
