"""Sample-rate conversion with soxr: one-shot, and streaming so chunk edges never click."""

from __future__ import annotations

import numpy as np
import soxr

from talkline.audio.pcm import SAMPLE_WIDTH, Pcm

_EMPTY = np.zeros(0, dtype=np.int16)


def _samples(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<i2")


def resample(pcm: Pcm, rate: int) -> Pcm:
    """`pcm` converted to `rate` Hz (returned unchanged when it already is)."""
    if rate <= 0:
        raise ValueError(f"sample rate must be positive, got {rate}")
    if pcm.rate == rate or not pcm.data:
        return Pcm(pcm.data, rate)
    return Pcm(soxr.resample(_samples(pcm.data), pcm.rate, rate).tobytes(), rate)


class StreamResampler:
    """Converts s16le audio from `in_rate` to `out_rate` chunk by chunk, keeping filter state between
    chunks. The output lags the input by the filter delay; `flush()` releases the tail."""

    def __init__(self, in_rate: int, out_rate: int, quality: str = "HQ") -> None:
        if in_rate <= 0 or out_rate <= 0:
            raise ValueError(f"sample rates must be positive, got {in_rate} → {out_rate}")
        self.in_rate = in_rate
        self.out_rate = out_rate
        self._stream = (
            None if in_rate == out_rate else soxr.ResampleStream(in_rate, out_rate, 1, "int16", quality)
        )
        self._odd_byte = b""  # a sample split across two chunks

    def process(self, data: bytes) -> bytes:
        data = self._odd_byte + data
        whole = len(data) - len(data) % SAMPLE_WIDTH
        self._odd_byte = data[whole:]
        if self._stream is None:
            return data[:whole]
        return self._stream.resample_chunk(_samples(data[:whole])).tobytes()

    def flush(self) -> bytes:
        """The remaining output; the resampler is then ready for a new, unrelated stream."""
        self._odd_byte = b""
        if self._stream is None:
            return b""
        tail = self._stream.resample_chunk(_EMPTY, last=True).tobytes()
        self._stream.clear()
        return tail

    def reset(self) -> None:
        """Drop buffered audio without emitting it (e.g. on barge-in)."""
        self._odd_byte = b""
        if self._stream is not None:
            self._stream.clear()


class RateMatcher:
    """Streams Pcm chunks of any rate out at `out_rate`. When the input rate changes between chunks,
    the previous resampler is flushed first, so audio stays continuous and in order."""

    def __init__(self, out_rate: int) -> None:
        self.out_rate = out_rate
        self._resampler: StreamResampler | None = None

    def push(self, pcm: Pcm) -> Pcm:
        tail = b""
        if self._resampler is None or self._resampler.in_rate != pcm.rate:
            tail = self._resampler.flush() if self._resampler is not None else b""
            self._resampler = StreamResampler(pcm.rate, self.out_rate)
        return Pcm(tail + self._resampler.process(pcm.data), self.out_rate)

    def flush(self) -> Pcm:
        return Pcm(self._resampler.flush() if self._resampler is not None else b"", self.out_rate)

    def reset(self) -> None:
        if self._resampler is not None:
            self._resampler.reset()
