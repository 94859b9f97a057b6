"""The latency benchmark's own arithmetic: where speech ends, where the pause goes, how a turn's wait
is split, and the picture it draws. Model-free except for one Piper utterance."""

from __future__ import annotations

import numpy as np

from talkline.audio import Pcm
from talkline.bench.plot import latency_svg
from talkline.bench.speech import english_speech, paused, trim, with_pause
from talkline.bench.turns import split_from_speech_end

RATE = 16000


def tone(ms: float, amplitude: float) -> Pcm:
    t = np.arange(int(RATE * ms / 1000)) / RATE
    return Pcm.from_float32(amplitude * np.sin(2 * np.pi * 220 * t), RATE)


def test_trim_drops_what_is_more_than_35_db_below_the_peak_at_either_end() -> None:
    loud, faint, fainter = tone(500, 0.5), tone(200, 0.5 * 10 ** (-30 / 20)), tone(200, 0.5 * 10 ** (-40 / 20))
    audio = Pcm.silence(100, RATE) + fainter + faint + loud + faint + fainter + Pcm.silence(300, RATE)
    trimmed = trim(audio)
    assert abs(trimmed.duration_ms - 900) <= 10  # the -30 dB parts stay, the -40 dB parts and silence go


def test_trim_leaves_piper_speech_ending_on_its_last_voiced_window() -> None:
    speech = english_speech("Where does styrofoam go?", RATE)
    trimmed = trim(speech)
    assert 0 < trimmed.duration_ms < speech.duration_ms - 100  # Piper ends on a few hundred ms of near-silence
    tail = np.abs(np.frombuffer(trimmed.data, dtype=np.int16)[-RATE // 100:]).max()
    peak = np.abs(np.frombuffer(trimmed.data, dtype=np.int16)).max()
    assert tail >= peak * 10 ** (-35 / 20)


def test_a_pause_is_inserted_at_the_quietest_point_near_where_the_text_says() -> None:
    audio = tone(400, 0.5) + tone(40, 0.001) + tone(400, 0.5)
    with_gap = with_pause(audio, 800, at=0.5)
    samples = np.frombuffer(with_gap.data, dtype=np.int16)
    pause = int(RATE * 0.8)
    starts = np.flatnonzero(np.convolve(samples == 0, np.ones(pause), "valid") == pause)
    assert with_gap.duration_ms == audio.duration_ms + 800
    assert len(starts) and 400 <= starts[0] / RATE * 1000 <= 440  # inside the quiet 40 ms between the tones
    text, spoken = paused("Where can I throw away | an old battery?", english_speech, 800)
    assert text == "Where can I throw away an old battery?" and spoken.duration_ms > 800


def test_the_wait_is_split_from_the_last_voiced_sample() -> None:
    server = {"committed": 520.0, "stt_done": 530.0, "first_token": 560.0, "first_audio": 700.0}
    stages = split_from_speech_end(end_of_turn_ms=610.0, server=server, total_ms=830.0)
    assert stages == {"end_of_turn": 610.0, "stt": 10.0, "agent_first_token": 30.0, "tts_first_audio": 140.0,
                      "delivery": 40.0}
    assert sum(stages.values()) == 830.0


def test_the_plot_shows_every_mode_and_its_median() -> None:
    turns = [{"mode": mode, "end_to_first_audio_ms": ms, "cut_in": False} for mode, ms in
             [("realtime", 900.0), ("realtime", 1100.0), ("rest", 2000.0)]]
    stats = {"p50": 1000.0, "p95": 1090.0, "mean": 1000.0}
    summary = {mode: {"turns": 2, "cut_ins": 0, "end_of_speech_to_first_audio_ms": stats,
                      "stages_ms": {"end_of_turn": {"p50": 600.0}, "stt": {"p50": 5.0}}}
               for mode in ("realtime", "rest")}
    svg = latency_svg({"date": "today", "silence_duration_ms": 500, "summary": summary, "turns": turns})
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert ">realtime<" in svg and ">rest<" in svg and "1000 / 1090" in svg
    assert svg.count("<circle") == 3 and "end of turn: 600 ms" in svg
