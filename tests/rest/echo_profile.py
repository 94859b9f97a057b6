"""A small profile with a deterministic agent, so replies can be checked word for word.

The agent repeats what it heard, reads back its instructions or its own last reply when asked, asks
its one server tool when the user wants the secret number, and fails midway when told to break down. The skill layer around it (the same
one the built-in profiles get) calls client tools the user's words name and reads their results back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from talkline.agent.base import AgentEvent, AgentRequest, TextDelta, ToolCallRequest
from talkline.agent.history import Message, last_user_text, pending_tool_outputs
from talkline.agent.skill import new_call_id, stream_words
from talkline.agent.tools import ToolRegistry
from talkline.profiles.base import Profile, ProfileRegistry
from talkline.profiles.registry import with_skill_layer

SECRET_NUMBER = 42
INSTRUCTIONS = "You are the echo test assistant."


class AgentFailure(RuntimeError):
    pass


class EchoAgent:
    name = "echo"

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        answered = pending_tool_outputs(list(request.history))
        heard = last_user_text(list(request.history)).strip()
        if answered:
            reply = " ".join(f"The secret number is {output.output}." for _, output in answered)
        elif "secret number" in heard.lower():
            yield ToolCallRequest(new_call_id(), "secret_number", "{}")
            return
        elif "your instructions" in heard.lower():
            reply = f"My instructions are: {request.instructions}"
        elif "what did you say" in heard.lower():
            reply = f"I said: {_last_assistant_text(request)}"
        elif "break down" in heard.lower():
            yield TextDelta("Starting to answer, ")
            raise AgentFailure("the agent broke down")
        else:
            reply = f"You said: {heard}"
        async for delta in stream_words(reply):
            yield delta


def _last_assistant_text(request: AgentRequest) -> str:
    said = [turn.text for turn in request.history if isinstance(turn, Message) and turn.role == "assistant"]
    return said[-1] if said else "nothing yet"


def echo_profile() -> Profile:
    tools = ToolRegistry()

    @tools.tool(description="The secret number")
    async def secret_number() -> int:
        return SECRET_NUMBER

    return with_skill_layer(Profile(name="echo", description="Repeats what it hears", instructions=INSTRUCTIONS,
                                    agent=EchoAgent(), tools=tools, voice="alloy"))


def echo_profiles() -> ProfileRegistry:
    return ProfileRegistry([echo_profile()], default="echo")
