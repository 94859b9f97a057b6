"""Signal level."""

from __future__ import annotations

import math

import numpy as np

from talkline.audio.pcm import Pcm

SILENCE_DBFS = -100.0  # reported for digital silence, so levels stay finite (and JSON-safe)


def rms_dbfs(pcm: Pcm) -> float:
    """Root-mean-square level relative to a full-scale square wave (a full-scale sine is -3 dBFS)."""
    samples = pcm.to_float32()
    if not samples.size:
        return SILENCE_DBFS
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return max(SILENCE_DBFS, 20.0 * math.log10(rms)) if rms > 0 else SILENCE_DBFS
