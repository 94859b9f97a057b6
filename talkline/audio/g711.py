"""ITU-T G.711 µ-law and A-law, bit-exact with the ITU's reference implementation (G.191 STL
`g711.c`): negative samples use one's complement, and each segment's decision values are the
standard's. Encoding and decoding are numpy lookups into tables built once.

FFmpeg's pcm_mulaw/pcm_alaw decode identically but encode to the nearest reconstruction level,
which differs from the G.711 decision tables just above each segment boundary.
"""

from __future__ import annotations

import functools

import numpy as np

_ULAW_BIAS = 33  # in 14-bit units
_ALL_SAMPLES = np.arange(-32768, 32768, dtype=np.int32)
_ALL_CODES = np.arange(256, dtype=np.int32)


def _bit_length(values: np.ndarray) -> np.ndarray:
    return np.where(values > 0, np.floor(np.log2(np.maximum(values, 1))).astype(np.int32) + 1, 0)


@functools.cache
def _ulaw_encode_table() -> np.ndarray:
    magnitude = np.where(_ALL_SAMPLES < 0, ~_ALL_SAMPLES, _ALL_SAMPLES) >> 2  # 13-bit magnitude
    biased = np.minimum(magnitude + _ULAW_BIAS, 0x1FFF)
    segment = _bit_length(biased >> 6) + 1  # 1..8
    mantissa = 0x0F - ((biased >> segment) & 0x0F)
    code = ((8 - segment) << 4) | mantissa
    return np.where(_ALL_SAMPLES >= 0, code | 0x80, code).astype(np.uint8)


@functools.cache
def _ulaw_decode_table() -> np.ndarray:
    segment = (~_ALL_CODES >> 4) & 0x07
    mantissa = ~_ALL_CODES & 0x0F
    magnitude = (((2 * mantissa + _ULAW_BIAS) << segment) - _ULAW_BIAS) << 2
    return np.where(_ALL_CODES & 0x80, magnitude, -magnitude).astype("<i2")


@functools.cache
def _alaw_encode_table() -> np.ndarray:
    magnitude = np.where(_ALL_SAMPLES < 0, ~_ALL_SAMPLES, _ALL_SAMPLES) >> 4  # 12-bit magnitude
    exponent = np.maximum(_bit_length(magnitude) - 4, 0)  # 0 for magnitudes up to 15
    mantissa = np.where(exponent > 0, (magnitude >> np.maximum(exponent - 1, 0)) - 16, magnitude)
    code = mantissa + (exponent << 4)
    return (np.where(_ALL_SAMPLES >= 0, code | 0x80, code) ^ 0x55).astype(np.uint8)


@functools.cache
def _alaw_decode_table() -> np.ndarray:
    code = _ALL_CODES ^ 0x55
    exponent = (code >> 4) & 0x07
    mantissa = code & 0x0F
    level = np.where(exponent > 0, (2 * mantissa + 33) << np.maximum(exponent - 1, 0), 2 * mantissa + 1)
    magnitude = level << 3
    return np.where(code & 0x80, magnitude, -magnitude).astype("<i2")


def _encode(pcm16: bytes, table: np.ndarray) -> bytes:
    samples = np.frombuffer(pcm16, dtype="<i2").astype(np.int32)
    return table[samples + 32768].tobytes()


def _decode(codes: bytes, table: np.ndarray) -> bytes:
    return table[np.frombuffer(codes, dtype=np.uint8)].tobytes()


def ulaw_encode(pcm16: bytes) -> bytes:
    """s16le samples → one µ-law byte per sample."""
    return _encode(pcm16, _ulaw_encode_table())


def ulaw_decode(codes: bytes) -> bytes:
    """µ-law bytes → s16le samples."""
    return _decode(codes, _ulaw_decode_table())


def alaw_encode(pcm16: bytes) -> bytes:
    """s16le samples → one A-law byte per sample."""
    return _encode(pcm16, _alaw_encode_table())


def alaw_decode(codes: bytes) -> bytes:
    """A-law bytes → s16le samples."""
    return _decode(codes, _alaw_decode_table())
