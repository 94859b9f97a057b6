"""Audio files made the way phones and browsers make them, with PyAV directly (independent of the
code under test), for decode tests."""

from __future__ import annotations

import io
from fractions import Fraction

import av
import numpy as np

from talkline.audio import Pcm


def make_file(
    pcm: Pcm,
    container: str,
    codec: str,
    *,
    rate: int,
    channels: int = 1,
    options: dict[str, str] | None = None,
) -> bytes:
    """`pcm` encoded with `codec` in `container`, at `rate` Hz with `channels` identical channels."""
    import soxr

    samples = np.frombuffer(pcm.data, dtype="<i2")
    if rate != pcm.rate:
        samples = soxr.resample(samples, pcm.rate, rate)
    interleaved = np.repeat(samples, channels).reshape(1, -1)
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container, options=options or {}) as output:
        stream = output.add_stream(codec, rate=rate, layout="mono" if channels == 1 else "stereo")
        frame = av.AudioFrame.from_ndarray(interleaved, format="s16", layout=stream.layout.name)
        frame.sample_rate = rate
        frame.pts = 0
        frame.time_base = Fraction(1, rate)
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            output.mux(packet)
    return buffer.getvalue()


def decode_with_pyav(data: bytes) -> tuple[np.ndarray, int]:
    """The first audio stream's first channel as float32 in [-1, 1], and its rate."""
    with av.open(io.BytesIO(data)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono")
        frames = [
            out.to_ndarray().reshape(-1)
            for frame in container.decode(audio=0)
            for out in resampler.resample(frame)
        ]
        frames += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
        rate = container.streams.audio[0].rate
    return (np.concatenate(frames) if frames else np.zeros(0, dtype=np.float32)), rate


def aligned_similarity(a: np.ndarray, b: np.ndarray, max_lag: int) -> float:
    """Normalized correlation of `a` and `b` at the best relative shift within ±max_lag samples
    (codecs delay or trim their output a little)."""
    n = min(len(a), len(b)) - 2 * max_lag
    core = a[max_lag : max_lag + n].astype(np.float64)
    other = b[: n + 2 * max_lag].astype(np.float64)
    size = 1 << (len(other) + n).bit_length()
    dots = np.fft.irfft(np.fft.rfft(other, size) * np.conj(np.fft.rfft(core, size)), size)[: 2 * max_lag + 1]
    energy = np.concatenate([[0.0], np.cumsum(other**2)])
    norms = np.sqrt(energy[n:] - energy[:-n]) * np.linalg.norm(core)
    return float(np.max(dots / np.maximum(norms, 1e-12)))
