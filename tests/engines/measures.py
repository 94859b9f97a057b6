"""Plain measurements of audio that the engine tests assert on."""

from __future__ import annotations

import numpy as np

from talkline.audio import Pcm


def joined(chunks: list[Pcm]) -> Pcm:
    assert chunks, "the engine produced no audio"
    rates = {chunk.rate for chunk in chunks}
    assert len(rates) == 1, f"chunks at several rates: {rates}"
    return Pcm(b"".join(chunk.data for chunk in chunks), rates.pop())


def rms(audio: Pcm) -> float:
    samples = np.frombuffer(audio.data, dtype="<i2").astype(np.float64)
    return float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0


def median_pitch_hz(audio: Pcm) -> float:
    """Median fundamental frequency of the voiced 40 ms frames, by autocorrelation."""
    samples = np.frombuffer(audio.data, dtype="<i2").astype(np.float64)
    frame = int(0.04 * audio.rate)
    loudest = np.max(np.abs(samples))
    shortest_lag, longest_lag = int(audio.rate / 400), int(audio.rate / 60)
    pitches = []
    for start in range(0, samples.size - frame, frame):
        window = samples[start : start + frame]
        if np.sqrt(np.mean(window**2)) < 0.05 * loudest:
            continue
        window = window - window.mean()
        correlation = np.correlate(window, window, "full")[frame - 1 :]
        lag = shortest_lag + int(np.argmax(correlation[shortest_lag:longest_lag]))
        if correlation[lag] > 0.3 * correlation[0]:
            pitches.append(audio.rate / lag)
    assert pitches, "no voiced frames found"
    return float(np.median(pitches))
