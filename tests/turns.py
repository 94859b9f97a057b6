"""Turns for tests written in terms of an AgentRequest: its history, instructions, tools and choices become
a Turn of `agent` (server tools from `server_tools`, the request's other tools the client's)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from talkline.agent.base import Agent, AgentRequest
from talkline.agent.tools import ToolRegistry
from talkline.pipeline import Pipeline, Turn, TurnOptions
from talkline.pipeline.events import InputReady, PipelineEvent, Transcribed
from talkline.profiles.base import Profile

TEXT_ONLY = Pipeline(stt=None, tts=None)  # type: ignore[arg-type]  # text-only turns neither hear nor speak


def request_turn(agent: Agent, request: AgentRequest, server_tools: ToolRegistry | None = None, *,
                 pipeline: Pipeline = TEXT_ONLY, voice: str | None = None) -> Turn:
    """A started turn; it speaks when `voice` is given."""
    tools = server_tools or ToolRegistry()
    profile = Profile(name=agent.name, description="", instructions=request.instructions, agent=agent, tools=tools)
    options = TurnOptions(speak=voice is not None, voice=voice, language=request.language,
                          client_tools=[spec for spec in request.tools if spec.name not in tools],
                          tool_choice=request.tool_choice, max_output_tokens=request.max_output_tokens,
                          options=request.options)
    return pipeline.turn(profile, tuple(request.history), options=options)


async def reply_events(turn: Turn) -> AsyncIterator[PipelineEvent]:
    """The turn's reply: its events after the input side (`Transcribed`, `InputReady`)."""
    async for event in turn:
        if not isinstance(event, InputReady | Transcribed):
            yield event
