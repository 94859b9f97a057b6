"""The practice profile and its tool."""

from __future__ import annotations

import json

import pytest

from talkline.agent.tools import ToolContext, ToolLedger
from talkline.profiles.practice import (
    PracticeAgent,
    UnknownScenario,
    create_practice_profile,
    instructions_for,
    practice_tools,
)


def test_the_default_profile() -> None:
    profile = create_practice_profile()
    assert (profile.name, profile.language, profile.voice) == ("practice", "ko", "gildong")
    assert dict(profile.options) == {"scenario": "mart", "persona": "gildong"}
    assert isinstance(profile.agent, PracticeAgent)
    assert profile.models_entry()["tools"] == ["get_expression_hint"]


def test_the_persona_gives_the_voice_and_the_instructions_their_speech_level() -> None:
    profile = create_practice_profile({"scenario": "friend"})
    assert (profile.voice, dict(profile.options)) == ("saerom", {"scenario": "friend", "persona": "saerom"})
    for part in ("Saerom (새롬)", "casual Korean (반말)", "Making a new friend", "안녕! 나는 새롬이야.", "North Korean defector"):
        assert part in profile.instructions
    polite = create_practice_profile({"scenario": "friend", "persona": "gildong"})
    assert polite.voice == "gildong"
    assert "polite Korean (존댓말" in polite.instructions and "안녕하세요! 저는 길동이에요." in polite.instructions


def test_english_instructions_quote_the_english_lines() -> None:
    text = instructions_for({"scenario": "bank", "language": "en"})
    assert "Welcome to Saegil Bank." in text and "simple, friendly English" in text


def test_an_unknown_scenario_is_refused() -> None:
    with pytest.raises(UnknownScenario):
        create_practice_profile({"scenario": "moon"})


async def run_hint(arguments: dict[str, object]) -> tuple[bool, object]:
    tool = practice_tools().get("get_expression_hint")
    assert tool is not None
    result = await ToolLedger().run("call_1", tool, json.dumps(arguments), ToolContext())
    return result.ok, result.value


async def test_the_hint_tool_answers_in_the_personas_speech_level() -> None:
    assert await run_hint({"scenario": "mart", "step": 2}) == (True, {
        "scenario": "mart", "step": 2, "expression": "카드로 할게요.", "english": "By card, please."})
    ok, value = await run_hint({"scenario": "mart", "step": 2, "persona": "saerom"})
    assert ok and value["expression"] == "카드로 할게."  # type: ignore[index]


async def test_the_hint_tool_reports_bad_arguments() -> None:
    ok, value = await run_hint({"scenario": "mart", "step": 9})
    assert not ok and "steps 0 to 3" in value["error"]["message"]  # type: ignore[index]
    ok, value = await run_hint({"scenario": "mart", "step": -1})
    assert not ok and value["error"]["code"] == "invalid_arguments"  # type: ignore[index]
    ok, value = await run_hint({"scenario": "moon", "step": 0})
    assert not ok and "unknown practice scenario" in value["error"]["message"]  # type: ignore[index]
