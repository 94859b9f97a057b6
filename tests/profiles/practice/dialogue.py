"""Talking to the practice agent the way the pipeline does: history in, streamed text out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from talkline.agent.base import AgentRequest, TextDelta
from talkline.agent.history import Message, Turn
from talkline.profiles.practice import PracticeAgent


async def reply(history: Sequence[Turn], options: Mapping[str, Any], language: str | None = "ko") -> str:
    events = [
        event
        async for event in PracticeAgent().respond(
            AgentRequest(history=tuple(history), options=options, language=language)
        )
    ]
    assert all(isinstance(event, TextDelta) for event in events)
    return "".join(event.text for event in events)


async def converse(
    options: Mapping[str, Any], user_lines: Sequence[str], language: str | None = "ko"
) -> tuple[list[Turn], list[str]]:
    """The whole call: the opening, then one persona reply per user line. Returns history and replies."""
    history: list[Turn] = []
    replies = [await reply(history, options, language)]
    history.append(Message("assistant", replies[-1]))
    for line in user_lines:
        history.append(Message("user", line))
        replies.append(await reply(history, options, language))
        history.append(Message("assistant", replies[-1]))
    return history, replies
