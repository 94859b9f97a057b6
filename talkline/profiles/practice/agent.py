"""The offline practice agent: the persona plays the scenario's role, turn by turn, without a model."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any

from talkline.agent.base import AgentEvent, AgentRequest, TextDelta
from talkline.agent.history import Message, Turn
from talkline.profiles.practice.catalog import common, persona_for, scenario_for
from talkline.profiles.practice.language import reply_language
from talkline.profiles.practice.models import Language, Line, Persona, Scenario
from talkline.profiles.practice.progress import Progress, replay

WORDS_PER_DELTA = 3


class PracticeAgent:
    """Implements the Agent protocol; scenario and persona come from `request.options`."""

    name = "practice"

    async def respond(self, request: AgentRequest) -> AsyncIterator[AgentEvent]:
        for piece in word_pieces(reply_text(request)):
            yield TextDelta(piece)


def reply_text(request: AgentRequest) -> str:
    """The persona's next line for this conversation."""
    scenario, persona = scenario_for(request.options), persona_for(request.options)
    texts = user_texts(request.history)
    language = reply_language(request.language, texts, request.options)
    return persona_reply(scenario, persona, replay(scenario, texts), language)


def call_finished(history: Sequence[Turn], options: Mapping[str, Any]) -> bool:
    """True once the goal is reached or the user ended the practice: the persona has said goodbye."""
    return replay(scenario_for(options), user_texts(history)).finished


def user_texts(history: Sequence[Turn]) -> list[str]:
    """What the user said, in order; empty transcripts (noise) are not turns."""
    return [turn.text for turn in history if isinstance(turn, Message) and turn.role == "user" and turn.text.strip()]


def persona_reply(scenario: Scenario, persona: Persona, progress: Progress, language: Language) -> str:
    def say(line: Line) -> str:
        return line.text(language, persona.speech_level)

    lines = common().lines
    current = scenario.steps[min(progress.step, len(scenario.steps) - 1)]
    hint = say(lines.hint).replace("{hint}", say(current.hint))
    match progress.reaction:
        case "opening":
            parts = [say(scenario.opening), say(scenario.steps[0].ask)]
        case "advance":
            reply = [say(progress.intent.reply)] if progress.intent and progress.intent.reply else []
            parts = [*reply, say(scenario.closing) if progress.finished else say(current.ask)]
        case "greet":
            parts = [say(current.ask)]
        case "repeat":
            parts = [say(lines.repeat), say(current.ask)]
        case "help":
            parts = [hint]
        case "miss":
            parts = [say(lines.miss), say(current.ask) if progress.misses == 1 else hint]
        case "quit":
            parts = [say(lines.quit)]
        case "ended":
            parts = [say(lines.ended)]
    return " ".join(parts).replace("{name}", persona.name.get(language))


def word_pieces(text: str, size: int = WORDS_PER_DELTA) -> Iterator[str]:
    """The text in pieces of a few words; joined, they give the text back exactly."""
    words = text.split(" ")
    for start in range(0, len(words), size):
        piece = " ".join(words[start:start + size])
        yield piece if start + size >= len(words) else piece + " "
