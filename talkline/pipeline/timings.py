"""Stage timings of a turn, derived from its events by an observer (as pipecat's latency observer watches
frames): nothing in the turn sets a timing by hand.

The clock starts where the user stopped speaking (VAD end of turn, or a request's arrival) and gives the
milliseconds to each stage: `committed` (the end-of-turn wait is over), `stt_done` (the agent starts),
`first_token`, `first_audio`, `done`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from talkline.pipeline.events import AudioOut, InputReady, PipelineEvent, ResponseEnd, TextOut

STAGES: dict[type, str] = {InputReady: "stt_done", TextOut: "first_token", AudioOut: "first_audio",
                           ResponseEnd: "done"}


class TurnTimings:
    def __init__(self, *, speech_end: float | None = None, committed: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._start = speech_end if speech_end is not None else committed
        self._marks: dict[str, float] = {} if committed is None else {"committed": committed}

    def observe(self, event: PipelineEvent) -> None:
        stage = STAGES.get(type(event))
        if stage is not None and stage not in self._marks:
            self._marks[stage] = self._clock()

    def released(self, *, speech_end: float | None = None, committed: float | None = None) -> None:
        """A turn prepared ahead is shown from now: it counts from the user's real end of speech and commit,
        and every stage it reached while held is reached now, when the user can first see it."""
        now = self._clock()
        origin = speech_end if speech_end is not None else committed
        self._start = origin if origin is not None else self._start
        if committed is not None:
            self._marks["committed"] = committed
        self._marks = {stage: mark if stage == "committed" else max(mark, now) for stage, mark in self._marks.items()}

    def durations_ms(self) -> dict[str, float]:
        if self._start is None:
            return {}
        order = ("committed", *STAGES.values())
        return {stage: round(1000 * (self._marks[stage] - self._start), 1) for stage in order if stage in self._marks}
