"""What one benchmark turn is and what was measured of it, the same for every mode.

Every time is counted from the last voiced sample of the utterance (`Utterance.audio` is trimmed, so
that is its last sample): the moment a person has stopped speaking.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from talkline.audio import Pcm

# the split of the wait, in the order it happens
STAGES = ("end_of_turn", "stt", "agent_first_token", "tts_first_audio", "delivery")
CUT_IN_MARGIN_MS = 150  # a turn the server ends this long before the speaker finished was cut short


@dataclass(frozen=True)
class Utterance:
    text: str
    audio: Pcm  # trimmed: its last sample is the last voiced one
    profile: str = "eco"
    language: str = "en"
    complete: bool = True  # False: it has a pause mid-sentence, and ending the turn there is a false cut-in


@dataclass
class TurnResult:
    mode: str
    text: str
    profile: str
    language: str
    speech_ms: float
    end_to_first_audio_ms: float | None  # None: no reply audio came
    stages: dict[str, float] = field(default_factory=dict)  # each stage's share, see STAGES
    cut_in: bool = False  # the turn was ended before the speaker had finished
    transcript: str = ""
    error: str = ""
    server: dict[str, float] = field(default_factory=dict)  # response.done.timings, from the server's speech end
    speculation: dict[str, float] = field(default_factory=dict)  # the server's speculative replies in this turn


def split_from_speech_end(end_of_turn_ms: float, server: dict[str, float], total_ms: float | None
                          ) -> dict[str, float]:
    """The stages of a Realtime turn from the last voiced sample. `end_of_turn_ms`: when the client heard
    `speech_stopped` (the server commits the turn as it sends it); `server`: `response.done.timings`,
    whose differences give the stages after the commit. (The server's own origin, its estimate of the
    end of speech, is not used: while it judges a pause, audio queues up and that estimate runs late.)"""
    stages = {"end_of_turn": round(end_of_turn_ms, 1)}
    previous = server.get("committed")
    for name, point in (("stt", "stt_done"), ("agent_first_token", "first_token"),
                        ("tts_first_audio", "first_audio")):
        if previous is None or point not in server:
            return stages
        stages[name] = round(server[point] - previous, 1)
        previous = server[point]
    if total_ms is not None:
        stages["delivery"] = round(total_ms - sum(stages.values()), 1)
    return stages
