"""The practice profile: options choose the call, impossible pairings are refused, and its tools."""

from __future__ import annotations

import json

import pytest

from talkline.agent.tools import ToolContext, ToolLedger
from talkline.profiles.practice import (
    PersonaCannotPlay,
    PracticeAgent,
    UnknownRecast,
    UnknownRole,
    UnknownScenario,
    create_practice_profile,
    instructions_for,
    practice_tools,
)


def test_the_default_profile() -> None:
    profile = create_practice_profile()
    assert (profile.name, profile.language, profile.voice) == ("practice", "ko", "gildong")
    assert dict(profile.options) == {
        "scenario": "mart",
        "persona": "gildong",
        "role": "clerk",
        "recast": "gentle",
    }
    assert isinstance(profile.agent, PracticeAgent) and profile.warm_up is not None
    assert profile.models_entry()["tools"] == ["get_expression_hint", "explain_word"]


def test_the_role_not_the_persona_decides_the_register_in_the_instructions() -> None:
    clerk = create_practice_profile({"scenario": "mart", "persona": "saerom"})
    assert clerk.voice == "saerom" and "Never speak 반말" in clerk.instructions
    friend = create_practice_profile({"scenario": "friend", "persona": "saerom"})
    assert "Speak casual Korean (반말) only" in friend.instructions and "friend" in friend.instructions
    elder = create_practice_profile({"scenario": "friend", "persona": "gildong"})
    assert dict(elder.options)["role"] == "elder_classmate" and "Never speak 반말" in elder.instructions


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"scenario": "moon"}, UnknownScenario, "unknown practice scenario 'moon'"),
        ({"scenario": "interview", "persona": "saerom"}, PersonaCannotPlay, "can't be the interviewer"),
        (
            {"scenario": "friend", "persona": "gildong", "role": "classmate"},
            PersonaCannotPlay,
            "same-age friend",
        ),
        ({"scenario": "friend", "role": "boss"}, UnknownRole, "its roles: classmate, elder_classmate"),
        ({"scenario": "mart", "recast": "loud"}, UnknownRecast, "off, gentle, explicit"),
    ],
)
def test_impossible_calls_are_refused_clearly(
    options: dict[str, str], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        create_practice_profile(options)


def test_the_refusal_gives_the_reason_in_korean_too() -> None:
    with pytest.raises(PersonaCannotPlay) as refused:
        create_practice_profile({"scenario": "interview", "persona": "saerom"})
    assert refused.value.reason.ko.startswith("새롬은 학습자와 동갑이라 면접관을 맡기 어려워요.")
    assert isinstance(refused.value, ValueError)  # the server turns it into an invalid_value error


def test_english_instructions_quote_the_english_lines() -> None:
    text = instructions_for({"scenario": "bank", "language": "en"})
    assert "Hello, welcome to Saegil Bank." in text and "Speak simple, friendly English." in text


async def run(
    name: str, arguments: dict[str, object], options: dict[str, str] | None = None
) -> tuple[bool, object]:
    tool = practice_tools().get(name)
    assert tool is not None
    result = await ToolLedger().run("call_1", tool, json.dumps(arguments), ToolContext(options=options or {}))
    return result.ok, result.value


async def test_the_hint_tool_answers_in_the_register_the_learner_owes() -> None:
    assert await run("get_expression_hint", {"scenario": "mart", "step": 2}) == (
        True,
        {
            "scenario": "mart",
            "step": 2,
            "expression": "카드로 할게요.",
            "english": "By card, please.",
            "register": "haeyo",
        },
    )
    ok, value = await run("get_expression_hint", {"step": 0}, {"scenario": "friend", "persona": "saerom"})
    assert ok and value["expression"] == "나는 민수야."  # type: ignore[index]
    ok, value = await run("get_expression_hint", {"scenario": "mart", "step": 9})
    assert not ok and "steps 0 to 3" in value["error"]["message"]  # type: ignore[index]
    ok, value = await run("get_expression_hint", {"scenario": "moon", "step": 0})
    assert not ok and "unknown practice scenario" in value["error"]["message"]  # type: ignore[index]


async def test_the_explain_tool_knows_the_situations_words_and_north_korean_ones() -> None:
    ok, value = await run("explain_word", {"word": "체크 카드"}, {"scenario": "bank"})
    assert ok and value["word"] == "체크카드" and "통장에 있는 돈만큼만" in value["explanation"]["ko"]  # type: ignore[index]
    ok, value = await run("explain_word", {"word": "소젖"})
    assert ok and (value["north_korean"], value["south"]) == (True, "우유")  # type: ignore[index]
    ok, value = await run("explain_word", {"word": "당근"})
    assert ok and (value["north_korean"], value["north"]) == (False, "홍당무")  # type: ignore[index]
    ok, value = await run("explain_word", {"word": "양자역학"})
    assert ok and value == {"word": "양자역학", "known": False}
