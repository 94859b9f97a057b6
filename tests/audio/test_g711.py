from __future__ import annotations

from collections.abc import Callable

import av
import numpy as np
import pytest

from talkline.audio import Pcm, alaw_decode, alaw_encode, resample, ulaw_decode, ulaw_encode

ALL_SAMPLES = np.arange(-32768, 32768, dtype="<i2")
ALL_CODES = bytes(range(256))
Codec = Callable[[bytes], bytes]
LAWS = [("pcm_mulaw", ulaw_encode, ulaw_decode), ("pcm_alaw", alaw_encode, alaw_decode)]


def pyav_encode(codec: str, samples: np.ndarray) -> np.ndarray:
    context = av.CodecContext.create(codec, "w")
    context.sample_rate, context.layout, context.format = 8000, "mono", "s16"
    context.open()
    frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate, frame.pts = 8000, 0
    packets = [*context.encode(frame), *context.encode(None)]
    return np.frombuffer(b"".join(bytes(p) for p in packets), dtype=np.uint8)


def pyav_decode(codec: str, codes: bytes) -> np.ndarray:
    context = av.CodecContext.create(codec, "r")
    context.sample_rate, context.layout = 8000, "mono"
    return np.concatenate([frame.to_ndarray().reshape(-1) for frame in context.decode(av.Packet(codes))])


@pytest.mark.parametrize(("codec", "encode", "decode"), LAWS)
def test_decoding_every_code_matches_pyav(codec: str, encode: Codec, decode: Codec) -> None:
    ours = np.frombuffer(decode(ALL_CODES), dtype="<i2")
    assert np.array_equal(ours, pyav_decode(codec, ALL_CODES))


@pytest.mark.parametrize(("codec", "encode", "decode"), LAWS)
def test_encoding_every_sample_agrees_with_pyav_up_to_decision_ties(
    codec: str, encode: Codec, decode: Codec
) -> None:
    """FFmpeg quantizes to the nearest level; G.711 uses its decision tables, which differ from that
    only right at the edge between two levels. Everywhere else the codes must be identical."""
    ours = np.frombuffer(encode(ALL_SAMPLES.tobytes()), dtype=np.uint8)
    theirs = pyav_encode(codec, ALL_SAMPLES)
    levels = np.frombuffer(decode(ALL_CODES), dtype="<i2").astype(np.int32)
    differ = ours != theirs
    assert differ.mean() < 0.015
    x = ALL_SAMPLES[differ].astype(np.int32)
    ours_level, theirs_level = levels[ours[differ]], levels[theirs[differ]]
    low, high = np.minimum(ours_level, theirs_level), np.maximum(ours_level, theirs_level)
    assert np.all((low <= x) & (x <= high)), "a disagreement must be between the two levels around the input"
    sorted_levels = np.unique(levels)
    assert np.all(np.searchsorted(sorted_levels, high) - np.searchsorted(sorted_levels, low) == 1), (
        "adjacent levels"
    )


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        (0, 0xFF),  # +0
        (-1, 0x7F),  # -0 (one's complement: -1 has magnitude 0)
        (32767, 0x80),
        (-32768, 0x00),
    ],
)
def test_ulaw_reference_codes(sample: int, expected: int) -> None:
    assert ulaw_encode(np.array([sample], dtype="<i2").tobytes()) == bytes([expected])


@pytest.mark.parametrize(("sample", "expected"), [(0, 0xD5), (-1, 0x55), (32767, 0xAA), (-32768, 0x2A)])
def test_alaw_reference_codes(sample: int, expected: int) -> None:
    assert alaw_encode(np.array([sample], dtype="<i2").tobytes()) == bytes([expected])


@pytest.mark.parametrize(
    ("encode", "decode", "sample", "level"),
    [
        # G.711 Table 2a (µ-law, 14-bit scale ×4): interval 31..35 decodes to 33, 29..31 to 30
        (ulaw_encode, ulaw_decode, 31 * 4, 33 * 4),
        (ulaw_encode, ulaw_decode, 31 * 4 - 1, 30 * 4),
        # G.711 Table 1a (A-law, 12-bit scale ×16): interval 64..68 decodes to 66, 62..64 to 63
        (alaw_encode, alaw_decode, 64 * 16, 66 * 16),
        (alaw_encode, alaw_decode, 64 * 16 - 1, 63 * 16),
    ],
)
def test_segment_edges_follow_the_g711_decision_tables(
    encode: Codec, decode: Codec, sample: int, level: int
) -> None:
    decoded = decode(encode(np.array([sample, -sample - 1], dtype="<i2").tobytes()))
    assert np.frombuffer(decoded, dtype="<i2").tolist() == [level, -level]


@pytest.mark.parametrize(("codec", "encode", "decode"), LAWS)
def test_every_level_encodes_back_to_its_code(codec: str, encode: Codec, decode: Codec) -> None:
    again = encode(decode(ALL_CODES))
    negative_zero = {0x7F} if codec == "pcm_mulaw" else set()  # µ-law has two zeros; 0 encodes as +0
    assert [c for c in range(256) if again[c] != c] == sorted(negative_zero)


@pytest.mark.parametrize(("codec", "encode", "decode"), LAWS)
def test_speech_survives_a_g711_round_trip(codec: str, encode: Codec, decode: Codec, speech: Pcm) -> None:
    narrowband = resample(speech, 8000)
    back = np.frombuffer(decode(encode(narrowband.data)), dtype="<i2").astype(np.float64)
    original = np.frombuffer(narrowband.data, dtype="<i2").astype(np.float64)
    snr_db = 10 * np.log10(np.sum(original**2) / np.sum((back - original) ** 2))
    assert snr_db > 30  # G.711 gives about 38 dB on speech
    assert len(encode(narrowband.data)) == narrowband.samples
