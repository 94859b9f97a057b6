"""The offline practice agent: the persona plays the scenario's role, turn by turn, without a model.

The reply comes from replaying what the learner said so far (cached by prefix, so a turn costs one
step of the dialogue), which lets any worker continue any call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any

from talkline.agent.base import AgentEvent, AgentRequest, TextDelta
from talkline.agent.history import Message, Turn
from talkline.profiles.practice.catalog import Setup, setup_for
from talkline.profiles.practice.dialogue import State, replay
from talkline.profiles.practice.language import detect_language, supported

WORDS_PER_DELTA = 3


class PracticeAgent:
    """Implements the Agent protocol; the call is described by `request.options`."""

    name = "practice"

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        for piece in word_pieces(reply_text(request)):
            yield TextDelta(piece)


def reply_text(request: AgentRequest) -> str:
    """The persona's next line for this conversation."""
    return call_state(request.history, request.options, request.language).said


def call_state(history: Sequence[Turn], options: Mapping[str, Any], language: str | None = None) -> State:
    texts = user_texts(history)
    return replay(call_setup(options, language, texts), texts)


def call_setup(options: Mapping[str, Any], language: str | None, texts: Sequence[str]) -> Setup:
    """The call's setup; its language is the session's, else the options', else the learner's first words."""
    spoken = (
        supported(language)
        or supported(options.get("language"))
        or next((lang for text in texts if (lang := detect_language(text))), None)
    )
    return setup_for(options, spoken or "ko")


def call_finished(history: Sequence[Turn], options: Mapping[str, Any]) -> bool:
    """True once the persona has said goodbye."""
    return call_state(history, options).finished


def user_texts(history: Sequence[Turn]) -> list[str]:
    """What the user said, in order; empty transcripts (noise) are not turns."""
    return [
        turn.text
        for turn in history
        if isinstance(turn, Message) and turn.role == "user" and turn.text.strip()
    ]


def word_pieces(text: str, size: int = WORDS_PER_DELTA) -> Iterator[str]:
    """The text in pieces of a few words; joined, they give the text back exactly."""
    words = text.split(" ")
    for start in range(0, len(words), size):
        piece = " ".join(words[start : start + size])
        yield piece if start + size >= len(words) else piece + " "
