"""Text as sound and back: each UTF-8 byte becomes a dual tone (like a phone's DTMF keys), 30 ms of it
followed by 15 ms of silence. One tone of a low group names the byte's high nibble, one of a high group
its low nibble, all between 400 and 3500 Hz, so the code survives resampling, G.711 and the lossy codecs
of uploads. Decoding finds where the tones start and reads them on their 45 ms grid, each by its two
strongest frequencies; sound that is not such a tone (speech, noise) decodes to nothing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from talkline.audio.pcm import Pcm

LOW = tuple(400 + 100 * i for i in range(16))  # the high nibble
HIGH = tuple(2000 + 100 * i for i in range(16))  # the low nibble
TONE_MS = 30.0
GAP_MS = 15.0
AMPLITUDE = 0.3  # each of the two tones: -13 dBFS together, well above any VAD threshold
STEP_MS = 2.0  # resolution of the tone finder


@dataclass(frozen=True, slots=True)
class HeardByte:
    value: int
    start_s: float
    end_s: float


def encode(text: str, rate: int) -> Pcm:
    """The text's bytes as tones, each followed by a short silence."""
    tone = int(rate * TONE_MS / 1000)
    gap = np.zeros(int(rate * GAP_MS / 1000), dtype=np.float32)
    t = np.arange(tone, dtype=np.float32) / rate
    fade = np.minimum(1.0, np.minimum(np.arange(tone), np.arange(tone)[::-1]) / (0.002 * rate)).astype(np.float32)
    pieces = []
    for byte in text.encode("utf-8"):
        wave = np.sin(2 * np.pi * LOW[byte >> 4] * t) + np.sin(2 * np.pi * HIGH[byte & 15] * t)
        pieces += [(AMPLITUDE * wave * fade).astype(np.float32), gap]
    return Pcm.from_float32(np.concatenate(pieces) if pieces else np.zeros(0, np.float32), rate)


def decode(pcm: Pcm) -> list[HeardByte]:
    """The bytes in `pcm`, with when each was sounded."""
    samples = pcm.to_float32().astype(np.float64)
    step = max(1, int(pcm.rate * STEP_MS / 1000))
    if len(samples) < step:
        return []
    period, tone = int(pcm.rate * (TONE_MS + GAP_MS) / 1000), int(pcm.rate * TONE_MS / 1000)
    energy = np.convolve(np.square(samples), np.ones(step) / step, mode="valid")
    loud = energy > max(1e-6, 0.05 * float(np.max(energy)))
    heard: list[HeardByte] = []
    position = 0
    while (onset := _next_onset(loud, position)) is not None:
        start = onset
        while start + tone - tone // 6 <= len(samples) and loud[min(start + tone // 2, len(loud) - 1)]:
            value = _read_tone(samples[start + tone // 6: start + tone - tone // 6], pcm.rate)  # edges blur
            if value is not None:
                heard.append(HeardByte(value, start / pcm.rate, (start + tone) / pcm.rate))
            start += period
        position = max(start, onset + 1)
    return heard


def _next_onset(loud: np.ndarray, position: int) -> int | None:
    found = np.flatnonzero(loud[position:])
    return position + int(found[0]) if len(found) else None


def _read_tone(trimmed: np.ndarray, rate: int) -> int | None:
    spectrum = np.abs(np.fft.rfft(trimmed * np.hanning(len(trimmed)), n=max(len(trimmed), rate // 25)))
    freqs = np.fft.rfftfreq(max(len(trimmed), rate // 25), 1 / rate)
    low, low_share = _strongest(spectrum, freqs, LOW)
    high, high_share = _strongest(spectrum, freqs, HIGH)
    if low_share < 0.3 or high_share < 0.3:  # not two clean tones: speech or noise
        return None
    return low << 4 | high


def _strongest(spectrum: np.ndarray, freqs: np.ndarray, group: tuple[int, ...]) -> tuple[int, float]:
    """The index of the group's loudest tone, and its share of the group's total."""
    levels = np.array([spectrum[int(np.argmin(np.abs(freqs - f)))] for f in group])
    total = float(levels.sum())
    index = int(np.argmax(levels))
    return index, (float(levels[index]) / total if total > 0 else 0.0)
