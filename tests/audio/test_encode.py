from __future__ import annotations

import numpy as np
import pytest

from talkline.audio import (
    OUTPUT_FORMATS,
    AudioChunk,
    ChunkEncoder,
    InvalidAudioFormat,
    Pcm,
    content_type,
    encode_audio,
    resample,
)
from tests.audio.media import aligned_similarity, decode_with_pyav
from tests.speech import english_speech

TTS_SENTENCE = "Glass bottles go in the green bin, but broken glass belongs in general waste."
FEWEST_FRAMES = {"mp3": (8, 576), "aac": (3, 1024)}  # frames per chunk, samples per frame (at 24 kHz)
CONTAINERS = {"mp3": "mp3", "opus": "ogg", "aac": "aac", "flac": "flac", "wav": "wav"}


@pytest.fixture(scope="module")
def tts() -> Pcm:
    return english_speech(TTS_SENTENCE, 22050)


def pieces(pcm: Pcm, seed: int = 5, shortest_ms: float = 20, longest_ms: float = 600) -> list[Pcm]:
    """`pcm` cut the way a TTS engine yields it: irregular pieces."""
    rng = np.random.default_rng(seed)
    out, position = [], 0.0
    while position < pcm.duration_ms:
        step = float(rng.uniform(shortest_ms, longest_ms))
        out.append(pcm.slice_ms(position, position + step))
        position += step
    return out


def encode_stream(encoder: ChunkEncoder, audio: list[Pcm]) -> list[AudioChunk]:
    chunks = [encoder.push(piece) for piece in audio] + [encoder.flush()]
    return [chunk for chunk in chunks if chunk is not None]


def decoded_ms(data: bytes, fmt: str, rate: int) -> float:
    if fmt in ("pcm", "pcm16"):
        return 1000 * len(data) / 2 / rate
    samples, decoded_rate = decode_with_pyav(data)
    return 1000 * len(samples) / decoded_rate


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("mp3", "audio/mpeg"),
        ("opus", "audio/ogg"),
        ("aac", "audio/aac"),
        ("flac", "audio/flac"),
        ("wav", "audio/wav"),
        ("pcm", "audio/pcm"),
        ("pcm16", "audio/pcm"),
    ],
)
def test_content_types(fmt: str, expected: str) -> None:
    assert content_type(fmt) == expected
    assert fmt in OUTPUT_FORMATS


@pytest.mark.parametrize("fmt", ["ogg", "MP3", "", "webm"])
def test_unknown_output_formats_are_refused(fmt: str, tts: Pcm) -> None:
    for attempt in (lambda: content_type(fmt), lambda: encode_audio(tts, fmt), lambda: ChunkEncoder(fmt)):
        with pytest.raises(InvalidAudioFormat) as caught:
            attempt()
        assert (caught.value.status, caught.value.code) == (400, "invalid_audio_format")


@pytest.mark.parametrize("fmt", sorted(CONTAINERS))
def test_encoded_files_round_trip_through_pyav(fmt: str, tts: Pcm) -> None:
    data = encode_audio(tts, fmt)
    samples, rate = decode_with_pyav(data)
    assert abs(1000 * len(samples) / rate - tts.duration_ms) < 100  # AAC in ADTS keeps its priming
    reference = resample(tts, rate).to_float32()
    least = 0.999 if fmt in ("flac", "wav") else 0.97
    assert aligned_similarity(reference, samples, rate // 10) > least


@pytest.mark.parametrize("fmt", ["flac", "wav"])
def test_lossless_formats_are_exact(fmt: str, tts: Pcm) -> None:
    samples, rate = decode_with_pyav(encode_audio(tts, fmt))
    assert rate == tts.rate
    assert np.array_equal(samples, tts.to_float32())


def test_raw_pcm_is_the_samples(tts: Pcm) -> None:
    assert encode_audio(tts, "pcm") == tts.data
    assert encode_audio(tts, "pcm16") == tts.data


@pytest.mark.parametrize("longest_ms", [600, 40], ids=["sentence pieces", "tiny pieces"])
@pytest.mark.parametrize("fmt", ["mp3", "aac", "opus", "flac", "wav", "pcm16"])
def test_every_chunk_decodes_alone_and_reports_its_duration(fmt: str, longest_ms: float, tts: Pcm) -> None:
    encoder = ChunkEncoder(fmt, rate=24000)
    chunks = encode_stream(encoder, pieces(tts, shortest_ms=10, longest_ms=longest_ms))
    assert len(chunks) > 3
    for chunk in chunks:
        assert decoded_ms(chunk.data, fmt, encoder.rate) == pytest.approx(chunk.duration_ms, abs=0.5)
    # FFmpeg's probe wants a run of frames; the last chunk too (a short MP3 tail once failed to decode)
    if fmt in FEWEST_FRAMES:
        frame_ms = 1000 * FEWEST_FRAMES[fmt][1] / encoder.rate
        assert all(chunk.duration_ms >= FEWEST_FRAMES[fmt][0] * frame_ms - 0.01 for chunk in chunks)
    total_ms = sum(chunk.duration_ms for chunk in chunks)
    assert tts.duration_ms - 1 <= total_ms <= tts.duration_ms + 150  # MP3/AAC add encoder delay and padding


@pytest.mark.parametrize("fmt", ["mp3", "aac", "pcm16"])
def test_continuous_formats_concatenate_into_one_stream(fmt: str, tts: Pcm) -> None:
    encoder = ChunkEncoder(fmt, rate=24000)
    chunks = encode_stream(encoder, pieces(tts))
    joined = b"".join(chunk.data for chunk in chunks)
    assert decoded_ms(joined, fmt, encoder.rate) == pytest.approx(sum(c.duration_ms for c in chunks), abs=0.5)
    if fmt == "pcm16":
        samples = Pcm(joined, encoder.rate).to_float32()
    else:
        samples, _ = decode_with_pyav(joined)
    reference = resample(tts, encoder.rate).to_float32()
    least = 0.999 if fmt == "pcm16" else 0.97
    assert aligned_similarity(reference, samples, encoder.rate // 10) > least


def test_chunk_encoder_picks_a_rate_the_codec_takes() -> None:
    assert ChunkEncoder("opus", rate=22050).rate == 24000
    assert ChunkEncoder("mp3", rate=22050).rate == 22050
    assert ChunkEncoder("pcm16", rate=24000).rate == 24000


def test_chunk_encoder_ignores_empty_pieces_and_closes_after_flush(tts: Pcm) -> None:
    encoder = ChunkEncoder("opus", rate=24000)
    assert encoder.push(Pcm(b"", 22050)) is None
    assert encoder.push(tts) is not None
    encoder.flush()
    with pytest.raises(RuntimeError):
        encoder.push(tts)
