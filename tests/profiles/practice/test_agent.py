"""The offline practice agent plays each scenario turn by turn, from the history alone."""

from __future__ import annotations

import pytest

from talkline.agent.base import AgentRequest, TextDelta
from talkline.agent.history import Message, ToolCall, ToolOutput
from talkline.profiles.practice import (
    PracticeAgent,
    UnknownPersona,
    UnknownScenario,
    call_finished,
    scenarios,
)
from talkline.profiles.practice.catalog import common, scenario
from talkline.profiles.practice.models import Scenario
from tests.profiles.practice.dialogue import converse, reply

LINES = common().lines


async def test_the_call_opens_with_the_opening_line_and_the_first_question() -> None:
    mart = scenario("mart")
    assert await reply([], {"scenario": "mart"}) == f"{mart.opening.ko} {mart.steps[0].ask.ko}"


async def test_saerom_opens_casually_and_says_her_name() -> None:
    text = await reply([], {"scenario": "friend", "persona": "saerom"})
    assert text.startswith("안녕! 나는 새롬이야.")
    gildong = await reply([], {"scenario": "friend", "persona": "gildong"})
    assert gildong.startswith("안녕하세요! 저는 길동이에요.")


async def test_the_reply_streams_in_pieces_of_a_few_words() -> None:
    request = AgentRequest(history=(), options={"scenario": "hospital"})
    events = [event async for event in PracticeAgent().respond(request)]
    assert len(events) > 1 and all(isinstance(event, TextDelta) for event in events)
    assert all(len(event.text.split()) <= 3 for event in events)
    assert "".join(event.text for event in events) == await reply([], {"scenario": "hospital"})


@pytest.mark.parametrize("chosen", scenarios(), ids=lambda s: s.id)
@pytest.mark.parametrize(("persona", "language"), [("gildong", "ko"), ("saerom", "ko"), ("gildong", "en")])
async def test_walkthrough_to_the_goal(chosen: Scenario, persona: str, language: str) -> None:
    level = "casual" if persona == "saerom" else "polite"
    options = {"scenario": chosen.id, "persona": persona}
    history, replies = await converse(options, [step.hint.text(language, level) for step in chosen.steps], language)
    for index, step in enumerate(chosen.steps[1:], 1):
        assert replies[index].endswith(step.ask.text(language, level))  # each answer moves to the next question
        assert not call_finished(history[:2 * index + 1], options)
    assert replies[-1].endswith(chosen.closing.text(language, level))
    assert call_finished(history, options)


async def test_a_korean_call_with_recognition_errors_reaches_the_goal() -> None:
    heard = ["진로 예약을 하고 싶어요", "감기에 걸려서 여리 나고 기치믈 해요", "오전 열시가 조아요", "김하나이고 천구백구십년 오월 삼일생이에요"]
    history, replies = await converse({"scenario": "hospital"}, heard)
    assert replies[-1] == "확인됐습니다. 예약 문자 보내 드릴게요. 그럼 내일 뵙겠습니다. 몸조리 잘하세요!"
    assert call_finished(history, {"scenario": "hospital"})


async def test_a_user_who_is_not_understood_gets_the_question_again_then_an_expression() -> None:
    options = {"scenario": "mart", "persona": "gildong"}
    _, replies = await converse(options, ["음...", "그게 말이죠", "우유는 어디에 있어요?"])
    ask, hint = scenario("mart").steps[0].ask.ko, scenario("mart").steps[0].hint.ko
    assert replies[1] == f"{LINES.miss.ko} {ask}"
    assert replies[2] == f"{LINES.miss.ko} 이렇게 말해 보세요. “{hint}”"
    assert replies[3].startswith("아, 그건 저쪽 3번 통로에 있어요.")


async def test_asking_for_help_gives_an_expression_to_try() -> None:
    _, replies = await converse({"scenario": "bank", "persona": "saerom"}, ["잘 모르겠어"])
    assert replies[1] == "이렇게 말해 봐. “통장 만들고 싶어.”"


async def test_asking_to_repeat_repeats_the_question_without_moving_on() -> None:
    history, replies = await converse({"scenario": "restaurant"}, ["네? 다시 한 번 말해 주세요", "두 명이요"])
    assert replies[1] == f"{LINES.repeat.ko} 몇 분이세요?"
    assert replies[2].endswith("메뉴 보시고 주문하시겠어요?")


async def test_a_greeting_is_answered_with_the_question() -> None:
    _, replies = await converse({"scenario": "friend"}, ["안녕!"])
    assert replies[1] == "이름이 뭐야?"


async def test_a_greeting_with_an_answer_counts_as_the_answer() -> None:
    _, replies = await converse({"scenario": "mart"}, ["안녕하세요, 라면 어디 있어요?"])
    assert replies[1].startswith("아, 그건 저쪽 3번 통로에 있어요.")


async def test_the_user_can_end_the_call_early() -> None:
    options = {"scenario": "interview"}
    history, replies = await converse(options, ["저는 김하나입니다", "죄송한데 오늘은 그만할게요", "여보세요?"])
    assert replies[2] == LINES.quit.ko
    assert replies[3] == LINES.ended.ko
    assert call_finished(history, options)


async def test_the_agent_is_stateless_any_instance_continues_a_call() -> None:
    options = {"scenario": "directions", "persona": "saerom"}
    history, replies = await converse(options, ["지하철역에 어떻게 가?"])
    again = await reply(history[:3], options)  # a fresh agent (another worker) given the same history
    assert again == replies[1]


async def test_tool_turns_and_empty_transcripts_are_not_user_turns() -> None:
    options = {"scenario": "mart"}
    history = [Message("assistant", "..."), Message("user", "   "), ToolCall("c1", "get_expression_hint", "{}"),
               ToolOutput("c1", "{}"), Message("user", "우유 어디 있어요?")]
    assert (await reply(history, options)).startswith("아, 그건 저쪽 3번 통로에 있어요.")


async def test_the_language_follows_the_user_unless_the_request_names_it() -> None:
    options = {"scenario": "mart"}
    english = [Message("assistant", "..."), Message("user", "Where is the milk?")]
    assert (await reply(english, options)).startswith("Oh, that's over in aisle 3.")
    assert (await reply(english, options, language="ko")).startswith("아, 그건 저쪽 3번 통로에 있어요.")
    assert (await reply([], {"scenario": "mart", "language": "en"})).startswith("Welcome to Saegil Mart!")


async def test_unknown_scenario_or_persona_is_a_typed_error() -> None:
    with pytest.raises(UnknownScenario, match="unknown practice scenario 'moon'.*mart"):
        await reply([], {"scenario": "moon"})
    with pytest.raises(UnknownPersona, match="'bob'"):
        await reply([], {"scenario": "mart", "persona": "bob"})
