import json
from collections.abc import AsyncIterator

from talkline.agent.base import AgentRequest, TextDelta, ToolCallRequest
from talkline.agent.history import Message, ToolCall, ToolOutput
from talkline.agent.skill import SkillAgent, fill_arguments
from talkline.agent.tools import ToolSpec

WEATHER = ToolSpec("get_weather", "Get the current weather for a city",
                   {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]})


class Inner:
    name = "inner"

    async def respond(self, request: AgentRequest) -> AsyncIterator[TextDelta | ToolCallRequest]:
        yield TextDelta("inner answer")


async def collect(agent: SkillAgent, request: AgentRequest) -> list:
    return [event async for event in agent.respond(request)]


async def test_a_client_tool_named_by_the_user_is_called_with_filled_arguments() -> None:
    request = AgentRequest(history=(Message("user", "What's the weather like in Paris today?"),), tools=(WEATHER,))
    events = await collect(SkillAgent(Inner()), request)
    assert len(events) == 1 and isinstance(events[0], ToolCallRequest)
    assert events[0].name == "get_weather" and json.loads(events[0].arguments) == {"city": "Paris"}
    assert events[0].call_id.startswith("call_")


async def test_other_questions_go_to_the_profile_agent() -> None:
    request = AgentRequest(history=(Message("user", "Where do I put a pizza box?"),), tools=(WEATHER,))
    assert await collect(SkillAgent(Inner()), request) == [TextDelta("inner answer")]


async def test_tool_choice_forces_and_none_forbids() -> None:
    forced = AgentRequest(history=(Message("user", "hello"),), tools=(WEATHER,), tool_choice="get_weather")
    assert isinstance((await collect(SkillAgent(Inner()), forced))[0], ToolCallRequest)
    forbidden = AgentRequest(history=(Message("user", "weather in Paris"),), tools=(WEATHER,), tool_choice="none")
    assert await collect(SkillAgent(Inner()), forbidden) == [TextDelta("inner answer")]


async def test_a_client_tool_output_is_read_back() -> None:
    history = (Message("user", "weather in Paris"), ToolCall("call_1", "get_weather", '{"city":"Paris"}'),
               ToolOutput("call_1", '{"temp_c": 21, "sky": "clear"}'))
    text = "".join(e.text for e in await collect(SkillAgent(Inner()), AgentRequest(history=history, tools=(WEATHER,))))
    assert "21" in text and "clear" in text


async def test_own_tool_outputs_go_back_to_the_profile_agent() -> None:
    history = (Message("user", "pizza box"), ToolCall("call_1", "search", "{}"), ToolOutput("call_1", "{}"))
    events = await collect(SkillAgent(Inner(), own_tools=["search"]), AgentRequest(history=history))
    assert events == [TextDelta("inner answer")]


async def test_an_empty_user_turn_gets_an_idle_prompt_in_the_users_language() -> None:
    english = await collect(SkillAgent(Inner()), AgentRequest(history=(Message("user", ""),)))
    assert "still there" in "".join(e.text for e in english)
    korean = await collect(SkillAgent(Inner()), AgentRequest(history=(Message("user", ""),), language="ko"))
    assert "여보세요" in "".join(e.text for e in korean)


def test_arguments_by_type() -> None:
    schema = {"type": "object", "properties": {
        "count": {"type": "integer"}, "unit": {"type": "string", "enum": ["kg", "lb"]},
        "query": {"type": "string"}, "flag": {"type": "boolean"}}, "required": ["flag"]}
    assert fill_arguments(schema, "Send 3 kg please") == {"count": 3, "unit": "kg", "query": "Send 3 kg please",
                                                          "flag": False}
