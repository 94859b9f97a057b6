"""How far a call has come, derived from the user's turns alone.

The agent keeps no state between turns: any worker can continue a call by replaying what the user
said so far, and what the persona actually got to say (a reply cut short by barge-in) does not matter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from talkline.profiles.practice.catalog import common
from talkline.profiles.practice.matching import best_match
from talkline.profiles.practice.models import Intent, Scenario

Outcome = Literal["ongoing", "goal_reached", "quit"]
Reaction = Literal["opening", "advance", "greet", "repeat", "help", "miss", "quit", "ended"]


@dataclass(frozen=True, slots=True)
class Progress:
    step: int = 0  # index of the step awaiting an answer (== number of steps once the goal is reached)
    misses: int = 0  # unmatched turns in a row at this step
    outcome: Outcome = "ongoing"
    reaction: Reaction = "opening"  # how the persona answers the latest user turn
    intent: Intent | None = None  # the step intent the latest turn completed
    struggled: frozenset[int] = frozenset()  # steps where the user was not understood or asked for help

    @property
    def finished(self) -> bool:
        return self.outcome != "ongoing"


def take_turn(scenario: Scenario, progress: Progress, text: str) -> Progress:
    """The progress after the user says `text`."""
    if progress.finished:
        return replace(progress, reaction="ended", intent=None)
    step = scenario.steps[progress.step]
    match = best_match(text, (*step.intents, *common().intents)) or best_match(text, [common().greeting])
    if match is None:
        return replace(
            progress,
            misses=progress.misses + 1,
            reaction="miss",
            intent=None,
            struggled=progress.struggled | {progress.step},
        )
    if match.intent in step.intents:
        following = progress.step + 1
        outcome: Outcome = "goal_reached" if following == len(scenario.steps) else "ongoing"
        return replace(
            progress, step=following, misses=0, outcome=outcome, reaction="advance", intent=match.intent
        )
    if match.intent.id == "quit":
        return replace(progress, outcome="quit", reaction="quit", intent=None)
    if match.intent.id == "help":
        return replace(progress, reaction="help", intent=None, struggled=progress.struggled | {progress.step})
    if match.intent.id == "greet":
        return replace(progress, reaction="greet", intent=None)
    return replace(progress, reaction="repeat", intent=None)


def replay(scenario: Scenario, user_texts: Iterable[str]) -> Progress:
    progress = Progress()
    for text in user_texts:
        progress = take_turn(scenario, progress, text)
    return progress
