"""`/v1/chat/completions` in text, driven by the official SDK: whole and streamed replies, the
profile's instructions and server tools, client tools, and the token budget."""

from __future__ import annotations

import json

from openai import AsyncOpenAI

from tests.rest.echo_profile import INSTRUCTIONS, SECRET_NUMBER

WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Current weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}


async def test_text_reply_answers_the_last_user_message(client: AsyncOpenAI) -> None:
    completion = await client.chat.completions.create(model="echo", messages=[
        {"role": "user", "content": "first words"},
        {"role": "assistant", "content": "You said: first words"},
        {"role": "user", "content": [{"type": "text", "text": "The kettle"}, {"type": "text", "text": "is boiling"}]},
    ])
    choice = completion.choices[0]
    assert choice.message.content == "You said: The kettle is boiling"
    assert choice.finish_reason == "stop"
    assert choice.message.tool_calls is None and choice.message.audio is None
    assert completion.model == "echo" and completion.object == "chat.completion"
    usage = completion.usage
    assert usage is not None and usage.completion_tokens > 0 and usage.prompt_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert usage.completion_tokens_details.audio_tokens == 0


async def test_streamed_text_concatenates_to_the_reply_and_ends_with_usage(client: AsyncOpenAI) -> None:
    stream = await client.chat.completions.create(
        model="echo", messages=[{"role": "user", "content": "one two three four five six seven"}],
        stream=True, stream_options={"include_usage": True})
    chunks = [chunk async for chunk in stream]
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "You said: one two three four five six seven"
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) > 1  # really streamed
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    assert chunks[-1].choices == [] and chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0
    assert len({c.id for c in chunks}) == 1


async def test_stream_without_include_usage_has_no_usage_chunk(client: AsyncOpenAI) -> None:
    stream = await client.chat.completions.create(model="echo", messages=[{"role": "user", "content": "hi"}],
                                                  stream=True)
    chunks = [chunk async for chunk in stream]
    assert all(c.usage is None and c.choices for c in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"


async def test_system_messages_replace_the_profile_instructions(client: AsyncOpenAI) -> None:
    ask = {"role": "user", "content": "Please repeat your instructions."}
    default = await client.chat.completions.create(model="echo", messages=[ask])
    assert default.choices[0].message.content == f"My instructions are: {INSTRUCTIONS}"
    custom = await client.chat.completions.create(model="echo", messages=[
        {"role": "system", "content": "Speak softly."},
        {"role": "developer", "content": [{"type": "text", "text": "Be brief."}]}, ask])
    assert custom.choices[0].message.content == "My instructions are: Speak softly.\n\nBe brief."


async def test_server_tools_run_inside_and_stay_out_of_the_reply(client: AsyncOpenAI) -> None:
    completion = await client.chat.completions.create(
        model="echo", messages=[{"role": "user", "content": "What is the secret number?"}], tools=[WEATHER_TOOL])
    choice = completion.choices[0]
    assert choice.message.content == f"The secret number is {SECRET_NUMBER}."
    assert choice.finish_reason == "stop" and choice.message.tool_calls is None


async def test_client_tool_call_stops_the_reply_with_tool_calls(client: AsyncOpenAI) -> None:
    completion = await client.chat.completions.create(
        model="echo", messages=[{"role": "user", "content": "What's the weather in Paris?"}], tools=[WEATHER_TOOL])
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    (call,) = choice.message.tool_calls
    assert call.type == "function" and call.function.name == "get_weather" and call.id.startswith("call_")
    assert json.loads(call.function.arguments) == {"city": "Paris"}


async def test_streamed_tool_call_arguments_are_accumulated_by_the_sdk(client: AsyncOpenAI) -> None:
    async with client.chat.completions.stream(
            model="echo", messages=[{"role": "user", "content": "Tell me the weather in New York please"}],
            tools=[WEATHER_TOOL]) as stream:
        deltas = [event async for event in stream if event.type == "tool_calls.function.arguments.delta"]
        final = await stream.get_final_completion()
    choice = final.choices[0]
    assert choice.finish_reason == "tool_calls"
    (call,) = choice.message.tool_calls
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "New York"}
    assert "".join(d.arguments_delta for d in deltas) == call.function.arguments


async def test_tool_results_go_back_to_the_agent(client: AsyncOpenAI) -> None:
    completion = await client.chat.completions.create(model="echo", tools=[WEATHER_TOOL], messages=[
        {"role": "user", "content": "What's the weather in Paris?"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": '{"temperature_c": 21, "sky": "clear"}'},
    ])
    choice = completion.choices[0]
    assert choice.finish_reason == "stop" and choice.message.tool_calls is None
    assert "get_weather" in choice.message.content and "21" in choice.message.content
    assert "clear" in choice.message.content


async def test_forced_tool_choice_calls_that_tool(client: AsyncOpenAI) -> None:
    completion = await client.chat.completions.create(
        model="echo", messages=[{"role": "user", "content": "Hello in Rome"}], tools=[WEATHER_TOOL],
        tool_choice={"type": "function", "function": {"name": "get_weather"}})
    assert completion.choices[0].finish_reason == "tool_calls"
    assert completion.choices[0].message.tool_calls[0].function.name == "get_weather"


async def test_tool_choice_none_answers_in_text(client: AsyncOpenAI) -> None:
    completion = await client.chat.completions.create(
        model="echo", messages=[{"role": "user", "content": "What's the weather in Paris?"}], tools=[WEATHER_TOOL],
        tool_choice="none")
    assert completion.choices[0].finish_reason == "stop"
    assert completion.choices[0].message.content == "You said: What's the weather in Paris?"


async def test_token_budget_ends_the_reply_with_length(client: AsyncOpenAI) -> None:
    words = " ".join(f"word{n}" for n in range(40))
    completion = await client.chat.completions.create(
        model="echo", messages=[{"role": "user", "content": words}], max_completion_tokens=8)
    choice = completion.choices[0]
    assert choice.finish_reason == "length"
    assert 0 < len(choice.message.content) < len(f"You said: {words}")
    assert completion.usage.completion_tokens <= 8
