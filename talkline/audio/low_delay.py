"""Streaming sample-rate conversion for live media edges, where every millisecond held back is heard.

soxr's streaming resampler releases its output in blocks: fed 20 ms chunks (as WebRTC delivers them) it
keeps back 5 to 36 ms of audio at any moment, about 20 ms on average, on each side of a call. Between rates
whose ratio is a whole number (48 kHz to and from 24, 16 or 8 kHz) a short linear-phase FIR does the
same work with a fixed delay under a millisecond (2 ms at 8 kHz) and nothing kept back; other ratios still go to soxr.
"""

from __future__ import annotations

import numpy as np

from talkline.audio.pcm import Pcm
from talkline.audio.resample import RateMatcher

TAPS_PER_PHASE = 16  # 65 taps at 2:1: 0.67 ms of delay (16 samples of the lower rate); at 24 kHz -6 dB at 10.8 kHz,
# -33 dB at 12 kHz and 60 dB down above about 13.2 kHz, so what folds back lands above the band of speech
PASSBAND = 0.9  # of the lower rate's Nyquist frequency (10.8 kHz at 24 kHz): all of speech
KAISER_BETA = 7.0


def _lowpass(factor: int) -> np.ndarray:
    """A windowed-sinc low-pass at the higher rate, cutting at the lower rate's band edge."""
    length = 2 * TAPS_PER_PHASE * factor + 1
    cutoff = PASSBAND / (2 * factor)  # cycles per sample at the higher rate
    n = np.arange(length) - (length - 1) / 2
    taps = 2 * cutoff * np.sinc(2 * cutoff * n) * np.kaiser(length, KAISER_BETA)
    return taps / taps.sum()


class IntegerResampler:
    """s16le mono from `in_rate` to `out_rate`, one a whole multiple of the other, chunk by chunk."""

    def __init__(self, in_rate: int, out_rate: int) -> None:
        high, low = max(in_rate, out_rate), min(in_rate, out_rate)
        if low <= 0 or high % low:
            raise ValueError(f"{in_rate} → {out_rate} is not a whole-number ratio")
        self.in_rate, self.out_rate = in_rate, out_rate
        self._up = out_rate // in_rate if out_rate > in_rate else 1
        self._down = in_rate // out_rate if in_rate > out_rate else 1
        self._taps = _lowpass(high // low) * self._up  # zero-stuffing divides the level by `up`
        self._history = np.zeros(len(self._taps) - 1)
        self._count = 0  # samples seen at the higher rate, for the decimation phase
        self._odd_byte = b""  # a sample split across two chunks

    @property
    def delay_ms(self) -> float:
        return (len(self._taps) - 1) / 2 * 1000 / max(self.in_rate, self.out_rate)

    def process(self, data: bytes) -> bytes:
        data = self._odd_byte + data
        whole = len(data) - len(data) % 2
        self._odd_byte = data[whole:]
        samples = np.frombuffer(data[:whole], dtype="<i2").astype(np.float64)
        if not samples.size:
            return b""
        if self._up > 1:
            stuffed = np.zeros(samples.size * self._up)
            stuffed[::self._up] = samples
            samples = stuffed
        window = np.concatenate((self._history, samples))
        self._history = window[-self._history.size:]
        filtered = np.convolve(window, self._taps, mode="valid")
        if self._down > 1:
            filtered = filtered[(-self._count) % self._down::self._down]
            self._count += samples.size
        return np.clip(np.rint(filtered), -32768, 32767).astype("<i2").tobytes()

    def reset(self) -> None:
        self._history[:] = 0
        self._count = 0
        self._odd_byte = b""


class LowDelayRateMatcher:
    """RateMatcher's interface (talkline.audio.resample): the FIR where the ratio is whole, else soxr."""

    def __init__(self, out_rate: int) -> None:
        self.out_rate = out_rate
        self._fir: IntegerResampler | None = None
        self._soxr = RateMatcher(out_rate)

    def push(self, pcm: Pcm) -> Pcm:
        if pcm.rate == self.out_rate:
            return Pcm(pcm.data[:len(pcm.data) - len(pcm.data) % 2], pcm.rate)
        high, low = max(pcm.rate, self.out_rate), min(pcm.rate, self.out_rate)
        if high % low:
            return self._soxr.push(pcm)
        if self._fir is None or self._fir.in_rate != pcm.rate:
            self._fir = IntegerResampler(pcm.rate, self.out_rate)
        return Pcm(self._fir.process(pcm.data), self.out_rate)

    def reset(self) -> None:
        if self._fir is not None:
            self._fir.reset()
        self._soxr.reset()
