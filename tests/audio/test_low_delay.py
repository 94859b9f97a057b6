"""The low-delay resampler of the WebRTC edges: nothing kept back between 20 ms chunks, a fixed delay under a
millisecond at 2:1, the tone's pitch and level kept, and what lies above the lower rate's band removed."""

from __future__ import annotations

import numpy as np
import pytest

from talkline.audio import Pcm
from talkline.audio.low_delay import IntegerResampler, LowDelayRateMatcher
from tests.audio.test_resample import irregular_pieces, peak_frequency, sine


def level_db(pcm: Pcm) -> float:
    samples = pcm.to_float32()
    return float(20 * np.log10(np.sqrt(np.mean(samples ** 2)) + 1e-12))


@pytest.mark.parametrize(("src", "dst"), [(48000, 24000), (24000, 48000), (48000, 8000), (16000, 48000)])
def test_each_20_ms_chunk_comes_out_whole_at_once(src: int, dst: int) -> None:
    tone = sine(440.0, 1000, src)
    step = src // 50 * 2
    resampler = IntegerResampler(src, dst)
    out = bytearray()
    for start in range(0, len(tone.data), step):
        piece = resampler.process(tone.data[start:start + step])
        assert len(piece) == dst // 50 * 2  # nothing kept back (soxr's stream keeps back 5 to 36 ms)
        out += piece
    heard = Pcm(bytes(out), dst)
    assert resampler.delay_ms <= 16 / min(src, dst) * 1000
    assert abs(peak_frequency(heard) - 440.0) < 2.0
    settled = Pcm(bytes(out[dst // 10 * 2:]), dst)  # past the filter's first millisecond
    assert abs(level_db(settled) - level_db(tone)) < 0.2


def test_what_lies_above_the_lower_rates_band_is_removed() -> None:
    alias = sine(15000.0, 500, 48000)  # would fold to 9 kHz at 24 kHz
    speech_band = sine(3000.0, 500, 48000)
    resampler = IntegerResampler(48000, 24000)
    settle = 2400 * 2  # past the tones' onset, which is a click in any band
    folded = Pcm(resampler.process(alias.data)[settle:], 24000)
    kept = Pcm(IntegerResampler(48000, 24000).process(speech_band.data)[settle:], 24000)
    assert level_db(kept) - level_db(folded) > 55


def test_odd_byte_pieces_make_the_same_audio() -> None:
    tone = sine(1000.0, 300, 24000)
    whole = IntegerResampler(24000, 48000).process(tone.data)
    pieces = IntegerResampler(24000, 48000)
    assert b"".join(pieces.process(piece) for piece in irregular_pieces(tone.data)) == whole


def test_other_ratios_and_equal_rates() -> None:
    matcher = LowDelayRateMatcher(24000)
    out = b"".join(matcher.push(Pcm(piece, 22050)).data for piece in irregular_pieces(sine(440.0, 1000, 22050).data))
    assert abs(peak_frequency(Pcm(out + matcher._soxr.flush().data, 24000)) - 440.0) < 2.0  # noqa: SLF001
    same = sine(440.0, 100, 24000)
    assert LowDelayRateMatcher(24000).push(same).data == same.data
    with pytest.raises(ValueError, match="whole-number"):
        IntegerResampler(22050, 24000)
