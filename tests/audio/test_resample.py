from __future__ import annotations

import numpy as np
import pytest

from talkline.audio import Pcm, RateMatcher, StreamResampler, resample
from tests.speech import english_speech

SENTENCE = "Streaming audio must not click where one chunk ends and the next begins."


def sine(freq: float, ms: float, rate: int, amplitude: float = 0.5) -> Pcm:
    t = np.arange(int(rate * ms / 1000)) / rate
    return Pcm.from_float32(amplitude * np.sin(2 * np.pi * freq * t), rate)


def peak_frequency(pcm: Pcm) -> float:
    samples = pcm.to_float32()
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / pcm.rate)[np.argmax(spectrum)])


def irregular_pieces(data: bytes, seed: int = 7) -> list[bytes]:
    """`data` cut at random byte offsets, odd ones included (a sample may be split in two)."""
    rng = np.random.default_rng(seed)
    cuts = np.cumsum(rng.integers(1, 3001, size=len(data) // 500))
    cuts = cuts[cuts < len(data)]
    return [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]


@pytest.mark.parametrize(("src", "dst"), [(24000, 16000), (16000, 24000), (22050, 24000), (48000, 8000)])
def test_resample_keeps_duration_and_pitch(src: int, dst: int) -> None:
    tone = sine(440.0, 1000, src)
    out = resample(tone, dst)
    assert out.rate == dst
    assert abs(out.samples - dst) <= 1
    assert abs(peak_frequency(out) - 440.0) < 2.0


def test_resample_same_rate_is_identity() -> None:
    tone = sine(1000.0, 100, 16000)
    assert resample(tone, 16000) == tone


def test_resample_rejects_non_positive_rate() -> None:
    with pytest.raises(ValueError):
        resample(sine(440.0, 10, 16000), 0)


@pytest.mark.parametrize(("src", "dst"), [(22050, 24000), (24000, 16000), (8000, 16000)])
def test_stream_resampler_matches_one_shot(src: int, dst: int) -> None:
    speech = english_speech(SENTENCE, src)
    streamer = StreamResampler(src, dst)
    streamed = b"".join(streamer.process(piece) for piece in irregular_pieces(speech.data)) + streamer.flush()
    one_shot = np.frombuffer(resample(speech, dst).data, dtype="<i2").astype(np.int32)
    got = np.frombuffer(streamed, dtype="<i2").astype(np.int32)
    assert abs(len(got) - len(one_shot)) <= 1
    n = min(len(got), len(one_shot))
    # int16 rounding only: no clicks or gaps at chunk edges
    assert np.max(np.abs(got[:n] - one_shot[:n])) <= 4


def test_stream_resampler_is_reusable_after_flush() -> None:
    first, second = sine(300.0, 500, 22050), sine(700.0, 500, 22050)
    streamer = StreamResampler(22050, 16000)
    streamer.process(first.data)
    streamer.flush()
    again = streamer.process(second.data) + streamer.flush()
    expected = np.frombuffer(resample(second, 16000).data, dtype="<i2").astype(np.int32)
    got = np.frombuffer(again, dtype="<i2").astype(np.int32)
    assert len(got) == len(expected)
    assert np.max(np.abs(got - expected)) <= 4


def test_stream_resampler_same_rate_passes_bytes_through_and_rejoins_split_samples() -> None:
    data = sine(440.0, 50, 16000).data
    streamer = StreamResampler(16000, 16000)
    pieces = irregular_pieces(data, seed=3)
    assert b"".join(streamer.process(p) for p in pieces) + streamer.flush() == data
    assert all(len(streamer.process(p)) % 2 == 0 for p in pieces)


def test_stream_resampler_reset_drops_buffered_audio() -> None:
    streamer = StreamResampler(24000, 16000)
    streamer.process(sine(440.0, 200, 24000).data + b"\x01")
    streamer.reset()
    assert streamer.flush() == b""


def test_rate_matcher_follows_input_rate_changes() -> None:
    matcher = RateMatcher(24000)
    pieces = [sine(440.0, 300, 22050), sine(440.0, 300, 22050), sine(440.0, 400, 16000)]
    out = [matcher.push(piece) for piece in pieces] + [matcher.flush()]
    assert all(pcm.rate == 24000 for pcm in out)
    total = sum(pcm.samples for pcm in out)
    assert abs(total - 24000) <= 2  # 1000 ms in, 1000 ms out
    joined = Pcm(b"".join(pcm.data for pcm in out), 24000)
    assert abs(peak_frequency(joined) - 440.0) < 2.0
