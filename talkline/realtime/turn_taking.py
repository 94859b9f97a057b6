"""Turn-taking: speech probabilities per VAD frame in, turn events out. Pure logic, no I/O.

Times are milliseconds of input audio since the session started, as the protocol reports them.
While the assistant is speaking, only frames that do not sound like the assistant's own voice coming
back (echo) count as the user's speech, and they must add up to `interrupt_min_ms` before it is a
barge-in; shorter bursts ("네", "uh-huh", a cough) are backchannels and change nothing.

With semantic settings (`semantic_vad`) a pause is judged, not only timed: as soon as the start of a
pause is heard the detector asks whether the turn is finished (`TurnCheck`); the caller runs the
end-of-turn model meanwhile and answers with `decide(probability)` once `verdict_due` (200 ms of
silence). A finished turn ends there; an unfinished one waits for more speech, longer the less
finished it sounds, up to the eagerness limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

HYSTERESIS = 0.15  # speech continues while the probability stays above threshold - HYSTERESIS
BACKCHANNEL_GAP_MS = 350  # silence that ends a not-yet-confirmed burst ("Wait, stop," still adds up)
ECHO_THRESHOLD = 0.45  # mean echo similarity above which a burst is our own voice (room echo ~0.55, other speech ~0.2)
SPECULATE_AFTER_MS = 64  # silence after which the reply is prepared speculatively (128 ms left it unready at commit under load)
# the end-of-turn model hears the turn up to this much past the VAD's end of speech. Smart Turn takes more
# sentences for finished the more silence follows them: on 14 sentences paused mid-way and 20 finished
# questions (Piper, espeak-ng Korean, the real clip), 64 ms cut 7 paused ones and ended 16 finished ones
# within 500 ms; 128 ms cut 9 and ended 19; 224 ms (all the silence heard so far) cut 11 and ended 19
JUDGED_SILENCE_MS = 64


@dataclass(frozen=True, slots=True)
class VadSettings:
    threshold: float = 0.5
    prefix_padding_ms: int = 300
    silence_duration_ms: int = 500
    interrupt_min_ms: int = 400
    semantic: SemanticSettings | None = None  # judge pauses with the end-of-turn model


@dataclass(frozen=True, slots=True)
class SemanticSettings:
    check_after_ms: int = 200  # silence after which the end-of-turn model judges the turn
    finished_probability: float = 0.5  # at or above this the turn ends at the check
    max_wait_ms: int = 4000  # silence that ends even a turn that sounds unfinished


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    start_ms: float
    barge_in: bool  # the assistant was speaking


@dataclass(frozen=True, slots=True)
class Paused:
    """The user has been quiet for a moment: `[start_ms, end_ms)` may be the whole turn."""

    start_ms: float
    end_ms: float


@dataclass(frozen=True, slots=True)
class Resumed:
    """Speech came back after a pause; any speculation on the pause is stale."""


@dataclass(frozen=True, slots=True)
class SpeechStopped:
    start_ms: float
    end_ms: float  # where speech ended (not where the silence timeout fired)
    audio_end_ms: float  # end of the audio that belongs to the turn (end_ms plus a little tail)


@dataclass(frozen=True, slots=True)
class TurnCheck:
    """Is the turn in `[start_ms, end_ms)` (its speech and a little of the pause) finished? Answer with
    `TurnDetector.decide`."""

    start_ms: float
    end_ms: float


@dataclass(frozen=True, slots=True)
class Backchannel:
    start_ms: float
    end_ms: float
    echo: bool


TurnEvent = SpeechStarted | Paused | Resumed | TurnCheck | SpeechStopped | Backchannel


class _State(Enum):
    SILENT = auto()
    CANDIDATE = auto()
    SPEAKING = auto()


class TurnDetector:
    def __init__(self, settings: VadSettings, frame_ms: float = 32.0) -> None:
        self.settings = settings
        self.frame_ms = frame_ms
        self.now_ms = 0.0
        self._state = _State.SILENT
        self._start_ms = 0.0
        self._speech_ms = 0.0
        self._silence_ms = 0.0
        self._last_voice_end_ms = 0.0
        self._echo_frames = 0
        self._voiced_frames = 0
        self._speculated = False
        self._checked = False  # this pause was put to the end-of-turn model
        self._decided = False  # and its verdict is in
        self._wait_ms = float(settings.silence_duration_ms)  # silence that ends the turn

    @property
    def in_speech(self) -> bool:
        return self._state is _State.SPEAKING

    @property
    def verdict_due(self) -> bool:
        """The pause has lasted long enough for the end-of-turn model's verdict to decide it."""
        semantic = self.settings.semantic
        return (semantic is not None and self._state is _State.SPEAKING and self._checked and not self._decided
                and self._silence_ms >= semantic.check_after_ms)

    def configure(self, settings: VadSettings) -> None:
        """New settings (a `session.update`); the current pause is timed and judged by them."""
        self.settings = settings
        self._new_pause()

    def skip(self, ms: float) -> None:
        """Advance the clock over audio that was not analysed (e.g. VAD turned off)."""
        self.now_ms += ms

    def reset(self) -> None:
        self._state = _State.SILENT

    def process(self, probability: float, *, assistant_speaking: bool, echo: float = 0.0) -> list[TurnEvent]:
        """Feed one frame's speech probability; returns what that frame caused."""
        frame_start = self.now_ms
        self.now_ms += self.frame_ms
        voiced = probability >= self.settings.threshold
        sustained = probability >= self.settings.threshold - HYSTERESIS
        if self._state is _State.SILENT:
            return self._from_silence(voiced, frame_start, assistant_speaking, echo)
        if self._state is _State.CANDIDATE:
            return self._from_candidate(sustained, echo)
        return self._from_speaking(sustained)

    def _from_silence(self, voiced: bool, frame_start: float, assistant_speaking: bool, echo: float
                      ) -> list[TurnEvent]:
        if not voiced:
            return []
        self._start_ms, self._silence_ms = frame_start, 0.0
        self._last_voice_end_ms, self._speculated = self.now_ms, False
        self._new_pause()
        if assistant_speaking:
            self._state = _State.CANDIDATE
            self._speech_ms, self._echo_frames, self._voiced_frames = 0.0, 0, 0
            return self._from_candidate(True, echo)
        self._state = _State.SPEAKING
        return [SpeechStarted(self._start_ms, barge_in=False)]

    def _from_candidate(self, sustained: bool, echo: float) -> list[TurnEvent]:
        """Only voiced frames that are not our own echo count; a gap without them ends the burst."""
        if sustained:
            self._voiced_frames += 1
            self._echo_frames += echo >= ECHO_THRESHOLD
        if sustained and echo < ECHO_THRESHOLD:
            self._speech_ms += self.frame_ms
            self._silence_ms = 0.0
            self._last_voice_end_ms = self.now_ms
            if self._speech_ms >= self.settings.interrupt_min_ms:
                self._state = _State.SPEAKING
                return [SpeechStarted(self._start_ms, barge_in=True)]
            return []
        self._silence_ms += self.frame_ms
        if self._silence_ms < BACKCHANNEL_GAP_MS:
            return []
        self._state = _State.SILENT
        if sustained and not self._speech_ms:
            return []  # still our echo: start over quietly, report once it falls silent
        mostly_echo = self._echo_frames * 2 > self._voiced_frames
        return [Backchannel(self._start_ms, self._last_voice_end_ms, echo=mostly_echo)]

    def decide(self, finished_probability: float | None) -> list[TurnEvent]:
        """The end-of-turn model's answer to the last `TurnCheck` (None: it had none, the pause waits out
        the eagerness limit); ignored if speech came back since."""
        semantic = self.settings.semantic
        if semantic is None or self._state is not _State.SPEAKING or not self._checked or not self._silence_ms:
            return []
        self._decided = True
        if finished_probability is None:
            return []
        unfinished = max(0.0, 1.0 - finished_probability / semantic.finished_probability)
        self._wait_ms = semantic.check_after_ms + unfinished * (semantic.max_wait_ms - semantic.check_after_ms)
        return self._stop() if self._silence_ms >= self._wait_ms else []

    def _from_speaking(self, sustained: bool) -> list[TurnEvent]:
        if sustained:
            self._last_voice_end_ms = self.now_ms
            resumed = self._silence_ms > 0 and self._speculated
            self._silence_ms, self._speculated = 0.0, False
            self._new_pause()
            return [Resumed()] if resumed else []
        self._silence_ms += self.frame_ms
        events: list[TurnEvent] = []
        if not self._speculated and self._silence_ms >= self._tail_ms:
            self._speculated = True
            events.append(Paused(self._padded_start(), self._last_voice_end_ms + self._tail_ms))
        if self.settings.semantic is not None and not self._checked and self._silence_ms >= JUDGED_SILENCE_MS:
            self._checked = True
            events.append(TurnCheck(self._padded_start(), self._last_voice_end_ms + JUDGED_SILENCE_MS))
        if self._silence_ms >= self._wait_ms:
            events += self._stop()
        return events

    def _stop(self) -> list[TurnEvent]:
        self._state = _State.SILENT
        return [SpeechStopped(self._padded_start(), self._last_voice_end_ms, self._last_voice_end_ms + self._tail_ms)]

    def _new_pause(self) -> None:
        """Speech (re)started: the next pause is timed, and judged, afresh."""
        semantic = self.settings.semantic
        self._checked = self._decided = False
        self._wait_ms = float(semantic.max_wait_ms if semantic else self.settings.silence_duration_ms)

    @property
    def _tail_ms(self) -> float:
        limit = self.settings.semantic.check_after_ms if self.settings.semantic else self.settings.silence_duration_ms
        return min(SPECULATE_AFTER_MS, limit)

    def _padded_start(self) -> float:
        return max(0.0, self._start_ms - self.settings.prefix_padding_ms)
