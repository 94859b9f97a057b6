"""Mono 16-bit PCM, the one raw audio shape that moves between stages."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_WIDTH = 2  # bytes per s16le sample


@dataclass(frozen=True, slots=True)
class Pcm:
    """Signed 16-bit little-endian mono samples at `rate` Hz."""

    data: bytes
    rate: int

    @property
    def samples(self) -> int:
        return len(self.data) // SAMPLE_WIDTH

    @property
    def duration_ms(self) -> float:
        return 1000.0 * self.samples / self.rate

    def to_float32(self) -> np.ndarray:
        return np.frombuffer(self.data, dtype="<i2").astype(np.float32) / 32768.0

    @classmethod
    def from_float32(cls, samples: np.ndarray, rate: int) -> Pcm:
        clipped = np.clip(samples, -1.0, 1.0)
        return cls((clipped * 32767.0).astype("<i2").tobytes(), rate)

    @classmethod
    def silence(cls, ms: float, rate: int) -> Pcm:
        return cls(bytes(SAMPLE_WIDTH * int(rate * ms / 1000)), rate)

    def __add__(self, other: Pcm) -> Pcm:
        if other.rate != self.rate:
            raise ValueError(f"cannot join {self.rate} Hz and {other.rate} Hz audio")
        return Pcm(self.data + other.data, self.rate)

    def slice_ms(self, start_ms: float, end_ms: float | None = None) -> Pcm:
        start = int(self.rate * start_ms / 1000) * SAMPLE_WIDTH
        end = len(self.data) if end_ms is None else int(self.rate * end_ms / 1000) * SAMPLE_WIDTH
        return Pcm(self.data[start:end], self.rate)
