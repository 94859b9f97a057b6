from __future__ import annotations

import numpy as np
import pytest

from talkline.audio import (
    PCM16,
    PCMA,
    PCMU,
    CorruptAudio,
    InvalidAudioFormat,
    OutputFramer,
    Pcm,
    WireFormat,
    decode_wire,
    encode_wire,
    resample,
)
from tests.audio.media import aligned_similarity
from tests.speech import english_speech

TTS_SENTENCE = "Your order is ready, and the driver will arrive in about ten minutes."


@pytest.mark.parametrize(
    ("ga", "beta", "expected", "bytes_per_ms"),
    [
        ({"type": "audio/pcm", "rate": 24000}, "pcm16", PCM16, 48),
        ({"type": "audio/pcmu"}, "g711_ulaw", PCMU, 8),
        ({"type": "audio/pcma"}, "g711_alaw", PCMA, 8),
    ],
)
def test_formats_parse_from_both_dialects(
    ga: dict[str, object], beta: str, expected: WireFormat, bytes_per_ms: int
) -> None:
    assert WireFormat.from_ga(ga) is expected
    assert WireFormat.from_beta(beta) is expected
    assert WireFormat.parse(ga) is expected and WireFormat.parse(beta) is expected
    assert WireFormat.from_ga(expected.to_ga()) is expected
    assert expected.beta_name == beta
    assert expected.bytes_per_ms == bytes_per_ms
    assert expected.duration_ms(bytes_per_ms * 20) == 20


def test_ga_objects_without_a_rate_use_the_format_rate() -> None:
    assert WireFormat.from_ga({"type": "audio/pcm"}) is PCM16
    assert WireFormat.from_ga({"type": "audio/pcm", "rate": None}) is PCM16
    assert WireFormat.from_ga({"type": "audio/pcmu", "rate": None}) is PCMU
    assert WireFormat.from_ga({"type": "audio/pcma", "rate": 8000}) is PCMA


@pytest.mark.parametrize(
    "value",
    [
        {"type": "audio/pcm", "rate": 16000},
        {"type": "audio/wav"},
        {"rate": 24000},
        "opus",
        "PCM16",
        42,
        None,
    ],
)
def test_unknown_formats_are_refused_with_a_typed_error(value: object) -> None:
    with pytest.raises(InvalidAudioFormat) as caught:
        WireFormat.parse(value)
    assert caught.value.status == 400
    assert caught.value.code == "invalid_audio_format"


def test_pcm16_wire_bytes_are_the_samples(speech: Pcm) -> None:
    assert decode_wire(PCM16, speech.data) == speech
    assert encode_wire(PCM16, speech) == speech.data


@pytest.mark.parametrize("fmt", [PCMU, PCMA])
def test_g711_wire_round_trip_keeps_the_speech(fmt: WireFormat, speech: Pcm) -> None:
    wire = encode_wire(fmt, speech)
    assert len(wire) == resample(speech, 8000).samples  # one byte per 8 kHz sample
    back = decode_wire(fmt, wire)
    assert back.rate == 8000
    reference = resample(speech, 8000).to_float32()
    assert aligned_similarity(reference, back.to_float32(), 4) > 0.99


def test_pcm16_wire_with_a_split_sample_is_corrupt() -> None:
    with pytest.raises(CorruptAudio) as caught:
        decode_wire(PCM16, b"\x00\x01\x02")
    assert caught.value.status == 400


@pytest.mark.parametrize(
    ("fmt", "frame_ms", "frame_bytes"), [(PCM16, 100, 4800), (PCMU, 100, 800), (PCMA, 20, 160)]
)
def test_framer_emits_exact_frames_from_tts_audio(fmt: WireFormat, frame_ms: int, frame_bytes: int) -> None:
    tts = english_speech(TTS_SENTENCE, 22050)  # Piper's native rate
    framer = OutputFramer(fmt, frame_ms=frame_ms)
    assert framer.frame_bytes == frame_bytes
    rng = np.random.default_rng(1)
    frames: list[bytes] = []
    position = 0.0
    while position < tts.duration_ms:
        step = float(rng.uniform(5, 400))
        frames += framer.push(tts.slice_ms(position, position + step))
        position += step
    tail = framer.flush()
    assert all(len(frame) == frame_bytes for frame in frames)
    assert tail and all(len(frame) == frame_bytes for frame in tail[:-1]) and 0 < len(tail[-1]) <= frame_bytes
    wire = b"".join(frames + tail)
    assert abs(fmt.duration_ms(len(wire)) - tts.duration_ms) < 1.0
    expected = decode_wire(fmt, encode_wire(fmt, tts)).to_float32()
    assert aligned_similarity(expected, decode_wire(fmt, wire).to_float32(), 8) > 0.999


def test_framer_accepts_a_rate_change_between_chunks() -> None:
    framer = OutputFramer(PCM16, frame_ms=100)
    first, second = english_speech(TTS_SENTENCE, 22050), english_speech(TTS_SENTENCE, 16000)
    frames = framer.push(first) + framer.push(second) + framer.flush()
    total_ms = PCM16.duration_ms(sum(len(frame) for frame in frames))
    assert abs(total_ms - (first.duration_ms + second.duration_ms)) < 1.0


def test_framer_reset_drops_pending_audio() -> None:
    framer = OutputFramer(PCMU, frame_ms=100)
    frames = framer.push(english_speech(TTS_SENTENCE, 22050).slice_ms(0, 250))
    assert len(frames) == 2  # 200 ms framed, about 50 ms pending
    framer.reset()
    assert framer.flush() == []


def test_framer_rejects_a_non_positive_frame_length() -> None:
    with pytest.raises(ValueError):
        OutputFramer(PCM16, frame_ms=0)
