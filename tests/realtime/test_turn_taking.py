import pytest

from talkline.realtime.turn_taking import (
    JUDGED_SILENCE_MS,
    SPECULATE_AFTER_MS,
    Backchannel,
    Paused,
    Resumed,
    SemanticSettings,
    SpeechStarted,
    SpeechStopped,
    TurnCheck,
    TurnDetector,
    VadSettings,
)

FRAME = 32.0


def run(detector: TurnDetector, pattern: list[float], *, speaking: bool = False, echo: float = 0.0) -> list:
    events = []
    for probability in pattern:
        events += detector.process(probability, assistant_speaking=speaking, echo=echo)
    return events


def frames(ms: float) -> int:
    return int(ms // FRAME)


def test_a_turn_starts_and_stops_with_padding_and_a_pause_before_the_stop() -> None:
    detector = TurnDetector(VadSettings(silence_duration_ms=500, prefix_padding_ms=300), FRAME)
    events = run(detector, [0.0] * 20 + [0.9] * 30 + [0.0] * 20)
    started = [e for e in events if isinstance(e, SpeechStarted)]
    assert started == [SpeechStarted(20 * FRAME, barge_in=False)]
    paused = [e for e in events if isinstance(e, Paused)]
    stopped = [e for e in events if isinstance(e, SpeechStopped)]
    assert len(stopped) == 1 and len(paused) == 1
    assert stopped[0].end_ms == 50 * FRAME
    assert stopped[0].start_ms == 20 * FRAME - 300
    assert (paused[0].start_ms, paused[0].end_ms) == (stopped[0].start_ms, stopped[0].audio_end_ms)
    assert events.index(paused[0]) < events.index(stopped[0])


def test_a_short_gap_inside_speech_resumes_instead_of_ending_the_turn() -> None:
    detector = TurnDetector(VadSettings(silence_duration_ms=500), FRAME)
    events = run(detector, [0.9] * 10 + [0.0] * 8 + [0.9] * 10 + [0.0] * 20)
    assert sum(isinstance(e, SpeechStopped) for e in events) == 1
    assert any(isinstance(e, Resumed) for e in events)
    assert sum(isinstance(e, SpeechStarted) for e in events) == 1


def test_hysteresis_keeps_speech_going_just_under_the_threshold() -> None:
    detector = TurnDetector(VadSettings(threshold=0.5, silence_duration_ms=300), FRAME)
    events = run(detector, [0.9] * 5 + [0.4] * 20)
    assert not any(isinstance(e, SpeechStopped) for e in events)


def test_a_backchannel_during_assistant_speech_does_not_barge_in() -> None:
    detector = TurnDetector(VadSettings(interrupt_min_ms=400), FRAME)
    events = run(detector, [0.9] * frames(250) + [0.0] * 15, speaking=True)
    assert not any(isinstance(e, SpeechStarted) for e in events)
    assert [type(e) for e in events] == [Backchannel]


def test_sustained_speech_during_assistant_speech_barges_in_at_the_threshold() -> None:
    detector = TurnDetector(VadSettings(interrupt_min_ms=400), FRAME)
    events, confirmed_at = [], 0
    for frame in range(1, 31):
        events = detector.process(0.9, assistant_speaking=True, echo=0.1)
        if events:
            confirmed_at = frame
            break
    assert events == [SpeechStarted(0.0, barge_in=True)]
    assert confirmed_at * FRAME >= 400 > (confirmed_at - 1) * FRAME  # confirmed within one frame of the limit


def test_our_own_echo_never_barges_in() -> None:
    detector = TurnDetector(VadSettings(interrupt_min_ms=400), FRAME)
    events = run(detector, [0.9] * 40 + [0.0] * 15, speaking=True, echo=0.9)
    assert [type(e) for e in events] == [Backchannel]
    assert events[0].echo is True


def test_without_assistant_speech_speech_starts_on_the_first_frame() -> None:
    detector = TurnDetector(VadSettings(interrupt_min_ms=400), FRAME)
    assert detector.process(0.9, assistant_speaking=False) == [SpeechStarted(0.0, barge_in=False)]


def test_short_words_with_short_pauses_add_up_to_a_barge_in() -> None:
    detector = TurnDetector(VadSettings(interrupt_min_ms=600), FRAME)
    wait_stop = [0.9] * frames(260) + [0.1] * frames(220) + [0.9] * frames(450)
    events = run(detector, wait_stop, speaking=True)
    assert [type(e) for e in events] == [SpeechStarted] and events[0].barge_in


def test_a_backchannel_over_our_echo_is_still_only_a_backchannel() -> None:
    detector = TurnDetector(VadSettings(interrupt_min_ms=600), FRAME)
    events = []
    for probability, echo in [(0.9, 0.9)] * 30 + [(0.9, 0.3)] * 10 + [(0.9, 0.9)] * 30 + [(0.0, 0.0)] * 15:
        events += detector.process(probability, assistant_speaking=True, echo=echo)
    assert events and all(isinstance(e, Backchannel) for e in events)


def test_user_speech_over_our_echo_barges_in() -> None:
    detector = TurnDetector(VadSettings(interrupt_min_ms=600), FRAME)
    events = []
    for probability, echo in [(0.9, 0.9)] * 10 + [(0.9, 0.2)] * 25:
        events += detector.process(probability, assistant_speaking=True, echo=echo)
    assert [type(e) for e in events] == [SpeechStarted]


# ── semantic_vad: pauses judged by the end-of-turn model ───────────────────────────────────────

SEMANTIC = VadSettings(semantic=SemanticSettings(check_after_ms=200, finished_probability=0.5, max_wait_ms=4000))


def until_check(detector: TurnDetector, speech_frames: int = 30) -> tuple[list, TurnCheck]:
    """Speech, then silence until the detector asks for a verdict."""
    events = run(detector, [0.9] * speech_frames)
    while not any(isinstance(e, TurnCheck) for e in events):
        events += detector.process(0.0, assistant_speaking=False)
    return events, next(e for e in events if isinstance(e, TurnCheck))


def until_due(detector: TurnDetector) -> list:
    events = []
    while not detector.verdict_due:
        events += detector.process(0.0, assistant_speaking=False)
    return events


def test_the_verdict_is_asked_for_early_and_due_after_a_short_silence() -> None:
    detector = TurnDetector(SEMANTIC, FRAME)
    events, check = until_check(detector)
    assert check == TurnCheck(0.0, 30 * FRAME + JUDGED_SILENCE_MS)  # the speech and the start of the pause
    assert detector.now_ms - 30 * FRAME < 200 and not detector.verdict_due  # the model runs while the pause goes on
    events += until_due(detector)
    assert detector.now_ms - 30 * FRAME == frames(200) * FRAME + FRAME  # due at the first frame past 200 ms
    assert not any(isinstance(e, SpeechStopped) for e in events)  # no verdict, no end


def test_a_finished_turn_ends_when_the_verdict_is_due() -> None:
    detector = TurnDetector(SEMANTIC, FRAME)
    events, _ = until_check(detector)
    events += until_due(detector)
    stopped = detector.decide(0.9)
    assert stopped == [SpeechStopped(0.0, 30 * FRAME, 30 * FRAME + SPECULATE_AFTER_MS)]
    assert not detector.verdict_due
    paused = next(e for e in events if isinstance(e, Paused))
    assert (paused.start_ms, paused.end_ms) == (stopped[0].start_ms, stopped[0].audio_end_ms)  # early STT reused


def test_an_unfinished_turn_waits_longer_the_less_finished_it_sounds() -> None:
    def silence_until_stop(probability: float) -> float:
        detector = TurnDetector(SEMANTIC, FRAME)
        until_check(detector)
        until_due(detector)
        assert detector.decide(probability) == []
        while not any(isinstance(e, SpeechStopped) for e in detector.process(0.0, assistant_speaking=False)):
            pass
        return detector.now_ms - 30 * FRAME

    nearly, hardly, not_at_all = silence_until_stop(0.4), silence_until_stop(0.1), silence_until_stop(0.0)
    assert 200 < nearly < hardly < not_at_all
    assert not_at_all == pytest.approx(4000, abs=FRAME)  # the eagerness limit


def test_speech_after_an_unfinished_verdict_continues_the_turn_and_is_judged_again() -> None:
    detector = TurnDetector(SEMANTIC, FRAME)
    events, _ = until_check(detector)
    events += until_due(detector)
    events += detector.decide(0.1)
    events += run(detector, [0.0] * 10 + [0.9] * 20)
    voice_end = detector.now_ms
    assert not any(isinstance(e, SpeechStopped) for e in events)
    assert any(isinstance(e, Resumed) for e in events)
    _, second = until_check(detector, speech_frames=0)
    assert second == TurnCheck(0.0, voice_end + JUDGED_SILENCE_MS)
    until_due(detector)
    assert detector.decide(0.8) == [SpeechStopped(0.0, voice_end, voice_end + SPECULATE_AFTER_MS)]


def test_a_verdict_that_arrives_after_speech_resumed_changes_nothing() -> None:
    detector = TurnDetector(SEMANTIC, FRAME)
    until_check(detector)
    run(detector, [0.9] * 3)
    assert not detector.verdict_due
    assert detector.decide(0.99) == []
    assert detector.in_speech


def test_without_a_verdict_the_turn_ends_at_the_eagerness_limit() -> None:
    detector = TurnDetector(SEMANTIC, FRAME)
    events, _ = until_check(detector)
    events += until_due(detector)
    events += detector.decide(None)
    events += run(detector, [0.0] * frames(4000))
    stopped = [e for e in events if isinstance(e, SpeechStopped)]
    assert len(stopped) == 1 and stopped[0].end_ms == 30 * FRAME


def test_server_vad_never_asks_for_a_verdict() -> None:
    detector = TurnDetector(VadSettings(silence_duration_ms=500), FRAME)
    events = run(detector, [0.9] * 30 + [0.0] * 40)
    assert not any(isinstance(e, TurnCheck) for e in events)
    assert sum(isinstance(e, SpeechStopped) for e in events) == 1


def test_switching_to_server_vad_mid_pause_times_the_pause_by_its_silence() -> None:
    detector = TurnDetector(SEMANTIC, FRAME)
    events, _ = until_check(detector)  # unanswered: semantic_vad would wait up to 4 s
    detector.configure(VadSettings(silence_duration_ms=500))
    events += run(detector, [0.0] * frames(500))
    assert [type(e) for e in events if not isinstance(e, TurnCheck)] == [SpeechStarted, Paused, SpeechStopped]
