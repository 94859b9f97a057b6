"""Practice on an LLM (the scripted fake OpenAI server): the scenario data write the system prompt, the
model's tool calls run on the server, and the call's progress is tracked by the server and written into
each turn's prompt."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from talkline.agent.base import AgentRequest, TextDelta, ToolCallRequest
from talkline.agent.history import Message, ToolCall, ToolOutput, Turn
from talkline.agent.tools import ToolContext, ToolLedger
from talkline.profiles.base import Profile
from talkline.profiles.config import apply_profiles_file
from talkline.profiles.registry import builtin_profiles
from tests.fakes.chat_chunks import ScriptedCall, text_chunks, tool_call_chunks
from tests.fakes.openai_server import EventStream, Exchange, FakeOpenAI

OPTIONS = {"scenario": "bank", "persona": "saerom", "role": "teller", "recast": "gentle"}


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI.running() as server:
        yield server


@pytest.fixture
def practice(tmp_path: Path, fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> Profile:
    monkeypatch.setenv("PRACTICE_LLM_KEY", "sk-practice-test")
    path = tmp_path / "profiles.toml"
    path.write_text(
        f'[profiles.practice.agent]\nkind = "openai"\nbase_url = "{fake.base_url}"\nmodel = "gpt-4o-mini"\n'
        'api_key_env = "PRACTICE_LLM_KEY"\nmax_retries = 0\n',
        encoding="utf-8",
    )
    return apply_profiles_file(builtin_profiles(), path).get("practice").for_options(OPTIONS)


async def step(practice: Profile, history: list[Turn]) -> list[TextDelta | ToolCallRequest]:
    """One model step, as the pipeline runs it: the profile's instructions, tools and the call's options."""
    request = AgentRequest(
        history=tuple(history),
        instructions=practice.instructions,
        tools=practice.tools.specs(),
        language="ko",
        options={**practice.options},
    )
    return [event async for event in practice.agent.respond(request)]


async def turn(practice: Profile, history: list[Turn]) -> str:
    """A whole turn: model steps until it answers in words, running the tools it calls on the server."""
    ledger = ToolLedger()
    while True:
        events = await step(practice, history)
        calls = [event for event in events if isinstance(event, ToolCallRequest)]
        if not calls:
            return "".join(event.text for event in events if isinstance(event, TextDelta))
        for call in calls:
            tool = practice.tools.get(call.name)
            assert tool is not None, call.name
            result = await ledger.run(
                call.call_id, tool, call.arguments, ToolContext(options=practice.options)
            )
            history += [
                ToolCall(call.call_id, call.name, call.arguments),
                ToolOutput(call.call_id, result.output),
            ]


def prompt(exchange: Exchange) -> str:
    assert exchange.request is not None
    return exchange.request.json()["messages"][0]["content"]


async def test_the_prompt_is_written_from_the_scenario_data(practice: Profile, fake: FakeOpenAI) -> None:
    call = fake.expect_chat(EventStream(text_chunks("안녕하세요, 새길은행입니다. 어떤 업무 보러 오셨어요?")))
    assert await turn(practice, []) == "안녕하세요, 새길은행입니다. 어떤 업무 보러 오셨어요?"
    system = prompt(call)
    for part in (
        "You are Saerom (새롬)",
        "you play bank teller (은행 창구 직원); your relationship to the learner: clerk",
        "Speak polite Korean (존댓말",
        "Never speak 반말",
        "The learner should speak polite 해요체",
        '1. What you need: ask "어떤 업무 보러 오셨어요?" — slots: task (task: 통장 개설)',
        "2. Showing your ID",
        'A sentence the learner could say: "네, 여기 있어요."',
        "fee: 통장 만드시는 건 무료예요.",
        "- 체크카드: 통장에 있는 돈만큼만",
        "- 돈자리 → 계좌 (bank account)",
        "answer naturally and use the South Korean word yourself",
        'Say goodbye ("감사합니다. 안녕히 가세요.") only after the learner does',
    ):
        assert part in system, part
    assert "Progress (tracked by the server" not in system  # nothing said yet
    assert [tool["function"]["name"] for tool in call.request.json()["tools"]] == [  # type: ignore[union-attr]
        "get_expression_hint",
        "explain_word",
    ]


async def test_progress_is_tracked_by_the_server_and_tools_run_on_it(
    practice: Profile, fake: FakeOpenAI
) -> None:
    history: list[Turn] = [
        Message("assistant", "안녕하세요, 새길은행입니다. 어떤 업무 보러 오셨어요?"),
        Message("user", "저금소에서 돈자리 만들려고 왔습네다"),
    ]
    first = fake.expect_chat(
        EventStream(text_chunks("아, 계좌요? 네, 새 통장 만들어 드릴게요. 신분증 가져오셨어요?"))
    )
    history.append(Message("assistant", await turn(practice, history)))
    progress = prompt(first).split("Progress (")[1]
    assert "- step 1 (What you need) done — task: 통장 개설" in progress
    assert "- step 2 (Showing your ID) is now: still needed id" in progress
    assert (
        "North Korean words or endings in it: 저금소 → 은행; 돈자리 → 계좌; 왔습네다 → 왔습니다." in progress
    )

    # the learner shows the ID and asks a word: the model calls explain_word, the server answers it
    history.append(Message("user", "네 여기 있어요. 근데 체크카드가 뭐예요?"))
    asks = fake.expect_chat(
        EventStream(tool_call_chunks(ScriptedCall("call_word", "explain_word", ['{"word": ', '"체크카드"}'])))
    )
    answers = fake.expect_chat(
        EventStream(text_chunks("통장에 있는 돈만큼만 쓰는 카드예요. 같이 만드시겠어요?"))
    )
    history.append(Message("assistant", await turn(practice, history)))
    assert "- step 2 (Showing your ID) done — id: yes" in prompt(asks)
    assert "- step 3 (A debit card) is now: still needed card" in prompt(asks)
    tool_message = answers.request.json()["messages"][-1]  # type: ignore[union-attr]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_word"
    assert json.loads(tool_message["content"])["explanation"]["ko"].startswith(
        "통장에 있는 돈만큼만 쓸 수 있는 카드예요."
    )

    # stuck: the model asks the server for a sentence the learner could say at this step
    history.append(Message("user", "음... 모르겠어요"))
    hint = fake.expect_chat(
        EventStream(tool_call_chunks(ScriptedCall("call_hint", "get_expression_hint", ['{"step": 2}'])))
    )
    said = fake.expect_chat(EventStream(text_chunks("“네, 같이 만들어 주세요.”라고 하시면 돼요.")))
    await turn(practice, history)
    assert "was understood as: help." in prompt(hint)
    output = json.loads(said.request.json()["messages"][-1]["content"])  # type: ignore[union-attr]
    assert output == {
        "scenario": "bank",
        "step": 2,
        "expression": "네, 같이 만들어 주세요.",
        "english": "Yes, please.",
        "register": "haeyo",
    }


async def test_a_misunderstood_turn_and_the_end_of_the_call_reach_the_prompt(
    practice: Profile, fake: FakeOpenAI
) -> None:
    lines = [
        "통장 만들러 왔어요",
        "네 여기요",
        "아니요 괜찮아요",
        "다 눌렀어요",
        "음 그게 저기",
    ]  # the last: a mumble
    history: list[Turn] = []
    for line in lines:
        history += [Message("assistant", "…"), Message("user", line)]
    closing = fake.expect_chat(EventStream(text_chunks("네, 천천히 말씀하세요.")))
    await turn(practice, history)
    progress = prompt(closing).split("Progress (")[1]
    assert (
        "- step 3 (A debit card) done — card: no" in progress and "- step 4 (Setting a PIN) done" in progress
    )
    assert "was understood as: nothing (not understood)" in progress
    assert (
        "All steps are done: ask if there is anything else; say goodbye only after the learner does."
        in progress
    )
    history += [Message("assistant", "…"), Message("user", "감사합니다 안녕히 계세요")]
    bye = fake.expect_chat(EventStream(text_chunks("감사합니다. 안녕히 가세요.")))
    await turn(practice, history)
    assert "- The call is over: say a short goodbye." in prompt(bye)
