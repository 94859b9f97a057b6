"""Speculative replies: the reply is prepared while the silence timeout still runs.

When the user pauses, the utterance so far is transcribed early (the surface does that); a
`Speculation` starts, on that transcript, a held Turn: the agent answers, the first piece is
synthesised, read-only tools run outside the ledger, and nothing else happens (a tool that is not
read-only, or any client tool, waits for release). At commit the surface `claim`s it with the
conversation and options the real reply would have: if they are exactly what was speculated on, the
held turn is the reply and its audio leaves at once; otherwise (the user went on, the transcript or
the conversation changed) it is discarded and the reply starts as if nothing had been prepared.
Nothing of a discarded speculation reaches the conversation or the client; metrics count it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from talkline.agent.history import HistoryItem, Message
from talkline.agent.tools import ToolLedger
from talkline.engines.base import Transcription
from talkline.metrics import SPECULATIVE_AUDIO_DISCARDED, SPECULATIVE_REPLIES
from talkline.pipeline.turn import Pipeline, TextInput, Turn, TurnOptions
from talkline.profiles.base import Profile

Outcome = Literal["used", "resumed", "changed", "unused"]


@dataclass(frozen=True)
class Basis:
    """What a reply answers: the conversation with the user's words last, and the reply's options."""

    history: tuple[HistoryItem, ...]
    options: TurnOptions

    @classmethod
    def of(cls, history: Sequence[HistoryItem], options: TurnOptions) -> Basis:
        return cls(tuple(history), replace(options, speech_ended_at=None, committed_at=None))


class Speculation:
    """One reply prepared on an early transcript; `claim` it at commit or `discard` it."""

    def __init__(self, pipeline: Pipeline, profile: Profile, history: Sequence[HistoryItem],
                 transcript: asyncio.Future[Transcription], options: TurnOptions, ledger: ToolLedger) -> None:
        self._pipeline, self._profile, self._ledger = pipeline, profile, ledger
        self._history, self._options = tuple(history), options
        self._transcript = transcript
        self._basis: Basis | None = None
        self._turn: Turn | None = None
        self._settled = False
        transcript.add_done_callback(self._prepare)

    @property
    def started(self) -> bool:
        """A reply is being prepared (the early transcript was in and had words)."""
        return self._turn is not None

    def _prepare(self, transcript: asyncio.Future[Transcription]) -> None:
        if self._settled or transcript.cancelled() or transcript.exception() is not None:
            return
        text = transcript.result().text
        if not text.strip():
            return
        self._basis = Basis.of((*self._history, Message("user", text)), self._options)
        self._turn = self._pipeline.turn(self._profile, self._history, TextInput(text), self._options,
                                         ledger=self._ledger, held=True)

    async def claim(self, history: Sequence[HistoryItem], options: TurnOptions) -> Turn | None:
        """The prepared turn if it answers exactly `history` with `options` (the caller releases it), else
        None, the speculation discarded."""
        turn = self._turn
        if turn is not None and self._basis == Basis.of(history, options):
            self._settle("used")
            return turn
        await self.discard("changed")
        return None

    async def discard(self, outcome: Outcome = "unused") -> None:
        """Drop whatever was prepared (no-op once claimed or discarded)."""
        if self._settled:
            return
        self._transcript.remove_done_callback(self._prepare)
        turn = self._turn
        self._settle(outcome)
        if turn is not None:
            SPECULATIVE_AUDIO_DISCARDED.inc(turn.prepared_audio_ms / 1000)
            with contextlib.suppress(Exception):
                await turn.discard()

    def _settle(self, outcome: Outcome) -> None:
        self._settled = True
        if self._turn is not None:  # only a reply that was being prepared counts as speculative work
            SPECULATIVE_REPLIES.labels(outcome=outcome).inc()
