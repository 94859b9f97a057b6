from __future__ import annotations

import numpy as np
import pytest

from talkline.audio import EchoDetector, Pcm

RATE = 16000
FRAME = 512  # 32 ms, the VAD frame
WARM_UP_FRAMES = 16  # the first half second fills the comparison window


def delayed(samples: np.ndarray, delay_ms: float, gain: float, noise_dbfs: float = -50.0) -> np.ndarray:
    """What a microphone hears of `samples` played `delay_ms` ago, quieter, with some noise."""
    delay = int(RATE * delay_ms / 1000)
    echo = np.concatenate([np.zeros(delay, dtype=np.float32), samples])[: len(samples)] * gain
    noise = np.random.default_rng(3).standard_normal(len(echo)) * 10 ** (noise_dbfs / 20)
    return (echo + noise).astype(np.float32)


def through_a_room(samples: np.ndarray) -> np.ndarray:
    """Direct sound plus 150 ms of decaying reflections."""
    rng = np.random.default_rng(4)
    t = np.arange(int(0.15 * RATE))
    response = rng.standard_normal(len(t)) * np.exp(-t / (0.03 * RATE)) * 0.3
    response[0] = 1.0
    return np.convolve(samples, response)[: len(samples)].astype(np.float32)


def scores(
    mic: np.ndarray, played: np.ndarray, *, ahead: bool = False, detector: EchoDetector | None = None
) -> np.ndarray:
    """Similarity of each microphone frame. The server sends `played` frame by frame as it plays,
    or (`ahead`) all at once up front, as a fast TTS does."""
    detector = detector or EchoDetector(rate=RATE)
    if ahead:
        detector.reference(Pcm.from_float32(played, RATE).data)
    out = []
    for start in range(0, len(mic) - FRAME + 1, FRAME):
        if not ahead:
            detector.reference(Pcm.from_float32(played[start : start + FRAME], RATE).data)
        out.append(detector.similarity(Pcm.from_float32(mic[start : start + FRAME], RATE).data))
    return np.array(out[WARM_UP_FRAMES:])


@pytest.fixture(scope="module")
def voices(speech16k: Pcm, other_speech16k: Pcm) -> tuple[np.ndarray, np.ndarray]:
    n = min(speech16k.samples, other_speech16k.samples)
    return speech16k.to_float32()[:n], other_speech16k.to_float32()[:n]


@pytest.mark.parametrize("ahead", [False, True], ids=["paced", "sent ahead"])
def test_an_attenuated_delayed_noisy_copy_scores_high(
    voices: tuple[np.ndarray, np.ndarray], ahead: bool
) -> None:
    played, _ = voices
    result = scores(delayed(played, 180, 0.3), played, ahead=ahead)
    assert np.median(result) > 0.9
    assert np.percentile(result, 10) > 0.6


def test_an_echo_through_a_room_still_scores_clearly_above_other_speech(
    voices: tuple[np.ndarray, np.ndarray],
) -> None:
    played, other = voices
    echo = scores(delayed(through_a_room(played), 250, 0.1), played)
    unrelated = scores(other * 0.5, played)
    assert np.median(echo) > 0.45
    assert np.median(echo) > np.percentile(unrelated, 90) + 0.1


def test_different_speech_scores_low(voices: tuple[np.ndarray, np.ndarray]) -> None:
    played, other = voices
    result = scores(delayed(other, 0, 0.5), played)
    assert np.median(result) < 0.3
    assert np.percentile(result, 90) < 0.45


def test_silence_scores_zero_and_faint_noise_low(voices: tuple[np.ndarray, np.ndarray]) -> None:
    played, _ = voices
    assert np.all(scores(np.zeros_like(played), played) == 0.0)
    assert np.max(scores(delayed(np.zeros_like(played), 0, 1.0, noise_dbfs=-50), played)) < 0.15


def test_nothing_played_means_no_echo(voices: tuple[np.ndarray, np.ndarray]) -> None:
    played, _ = voices
    detector = EchoDetector(rate=RATE)
    frames = [played[i : i + FRAME] for i in range(0, len(played) - FRAME + 1, FRAME)]
    assert all(detector.similarity(Pcm.from_float32(f, RATE).data) == 0.0 for f in frames)


def test_delays_beyond_max_delay_are_not_echo(voices: tuple[np.ndarray, np.ndarray]) -> None:
    played, _ = voices
    mic = delayed(played, 1500, 0.3)
    assert np.median(scores(mic, played, detector=EchoDetector(rate=RATE, max_delay_ms=800))) < 0.35
    assert np.median(scores(mic, played, detector=EchoDetector(rate=RATE, max_delay_ms=1600))) > 0.9


def test_interrupt_forgets_audio_that_was_never_played(voices: tuple[np.ndarray, np.ndarray]) -> None:
    """After a barge-in the unplayed rest of a reply is dropped, so the next reply lines up with
    what the microphone actually hears."""
    first, second = voices
    half = len(first) // 2
    results = {}
    for cut in (True, False):
        detector = EchoDetector(rate=RATE)
        detector.reference(Pcm.from_float32(first, RATE).data)  # whole reply sent ahead
        heard = delayed(first, 150, 0.3)
        for start in range(0, half - FRAME + 1, FRAME):  # the caller hears half of it, then interrupts
            detector.similarity(Pcm.from_float32(heard[start : start + FRAME], RATE).data)
        if cut:
            detector.interrupt()
        results[cut] = scores(delayed(second, 150, 0.3), second, ahead=True, detector=detector)
    assert np.median(results[True]) > 0.9
    assert np.median(results[False]) < 0.4


def test_reference_audio_stays_bounded_when_the_microphone_is_silent_for_good() -> None:
    """Text turns (no microphone audio) used to keep every reply's audio for the whole session."""
    detector = EchoDetector(rate=16000, max_ahead_ms=2000)
    second_of_speech = (np.sin(np.arange(16000) / 7) * 8000).astype("<i2").tobytes()
    for _ in range(30):
        detector.reference(second_of_speech)
    assert len(detector._ref) <= 2 * 16000
    detector.similarity(bytes(640))  # the microphone starts: the timeline advances and room returns
    detector.reference(second_of_speech)
    assert len(detector._ref) <= 2 * 16000 + 320
