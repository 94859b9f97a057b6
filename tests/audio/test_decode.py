from __future__ import annotations

import io
from fractions import Fraction

import av
import numpy as np
import pytest

from talkline.audio import (
    AudioError,
    AudioTooLong,
    CorruptAudio,
    EmptyAudio,
    Pcm,
    UnsupportedMediaType,
    decode_audio,
    decode_upload,
    probe_duration,
    resample,
)
from tests.audio.media import aligned_similarity, make_file

# name: (container, codec, rate, channels, muxer options, least similarity to the source)
UPLOADS = {
    "wav stereo 44.1k": ("wav", "pcm_s16le", 44100, 2, None, 0.999),
    "wav float 22.05k": ("wav", "pcm_f32le", 22050, 1, None, 0.999),
    "mp3 stereo": ("mp3", "libmp3lame", 44100, 2, None, 0.98),
    "m4a aac (Android, iPhone)": ("mp4", "aac", 48000, 1, None, 0.98),
    "3gp amr-nb (old Android)": ("3gp", "libopencore_amrnb", 8000, 1, None, 0.7),
    "ogg opus (Firefox)": ("ogg", "libopus", 48000, 1, None, 0.98),
    "webm opus (Chrome MediaRecorder)": ("webm", "libopus", 48000, 2, {"live": "1"}, 0.98),
    "flac 16k": ("flac", "flac", 16000, 1, None, 0.999),
}


@pytest.fixture(scope="module")
def uploads(speech: Pcm) -> dict[str, bytes]:
    return {
        name: make_file(speech, container, codec, rate=rate, channels=channels, options=options)
        for name, (container, codec, rate, channels, options, _) in UPLOADS.items()
    }


def assert_error(error: AudioError, status: int, code: str) -> None:
    assert (error.status, error.code) == (status, code)
    assert str(error)


@pytest.mark.parametrize("name", list(UPLOADS))
def test_uploads_decode_to_mono_16k_speech(name: str, uploads: dict[str, bytes], speech: Pcm) -> None:
    pcm = decode_upload(uploads[name], max_seconds=60)
    assert pcm.rate == 16000
    assert abs(pcm.duration_ms - speech.duration_ms) < 50  # codec priming and padding only
    reference = resample(speech, 16000).to_float32()
    assert aligned_similarity(reference, pcm.to_float32(), 1600) > UPLOADS[name][5]


def test_decode_keeps_the_native_rate_or_converts_to_any(uploads: dict[str, bytes], speech: Pcm) -> None:
    native = decode_audio(uploads["wav stereo 44.1k"])
    assert native.rate == 44100
    assert abs(native.duration_ms - speech.duration_ms) < 1
    assert decode_upload(uploads["flac 16k"], rate=24000, max_seconds=60).rate == 24000


def test_empty_input() -> None:
    with pytest.raises(EmptyAudio) as caught:
        decode_upload(b"", max_seconds=60)
    assert_error(caught.value, 400, "empty_audio")


def test_a_file_without_samples_is_empty() -> None:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="wav") as output:
        output.add_stream("pcm_s16le", rate=16000, layout="mono")
    with pytest.raises(EmptyAudio) as caught:
        decode_upload(buffer.getvalue(), max_seconds=60)
    assert_error(caught.value, 400, "empty_audio")


@pytest.mark.parametrize(
    "data",
    [
        b"This is a plain text file, not a recording.\n" * 20,
        b'{"audio": "not really"}',
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes(),
        # playlists would make FFmpeg open other files or URLs: never accepted
        b"ffconcat version 1.0\nfile '/etc/hostname'\n",
        b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nhttp://127.0.0.1:9/a.ts\n#EXT-X-ENDLIST\n",
    ],
    ids=["text", "json", "png", "random", "ffconcat", "hls"],
)
def test_not_audio_is_unsupported_media(data: bytes) -> None:
    with pytest.raises(UnsupportedMediaType) as caught:
        decode_upload(data, max_seconds=60)
    assert_error(caught.value, 415, "unsupported_media_type")


def test_a_video_without_sound_is_unsupported_media() -> None:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as output:
        stream = output.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for index in range(5):
            frame = av.VideoFrame.from_ndarray(
                np.full((64, 64, 3), index * 40, dtype=np.uint8), format="rgb24"
            )
            frame.pts, frame.time_base = index, Fraction(1, 10)
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
    with pytest.raises(UnsupportedMediaType) as caught:
        decode_upload(buffer.getvalue(), max_seconds=60)
    assert_error(caught.value, 415, "unsupported_media_type")
    assert "no audio stream" in str(caught.value)


@pytest.mark.parametrize("name", ["wav stereo 44.1k", "mp3 stereo", "m4a aac (Android, iPhone)", "flac 16k"])
def test_truncated_files_are_corrupt(name: str, uploads: dict[str, bytes]) -> None:
    data = uploads[name]
    with pytest.raises(CorruptAudio) as caught:
        decode_upload(data[: len(data) // 2], max_seconds=60)
    assert_error(caught.value, 400, "corrupt_audio")


@pytest.mark.parametrize("magic", [b"RIFF", b"OggS", b"fLaC", b"ID3\x04", b"\x00\x00\x00\x20ftypM4A "])
def test_audio_signature_followed_by_garbage_is_corrupt(magic: bytes) -> None:
    garbage = np.random.default_rng(1).integers(0, 256, 4000, dtype=np.uint8).tobytes()
    with pytest.raises(CorruptAudio) as caught:
        decode_upload(magic + garbage, max_seconds=60)
    assert_error(caught.value, 400, "corrupt_audio")


def test_too_long_is_refused(uploads: dict[str, bytes]) -> None:
    with pytest.raises(AudioTooLong) as caught:
        decode_upload(uploads["m4a aac (Android, iPhone)"], max_seconds=2.0)
    assert_error(caught.value, 413, "audio_too_long")


def test_decoding_stops_as_soon_as_the_limit_is_passed(speech: Pcm) -> None:
    """The back half of this mp3 is damaged: a decoder that reached it would report corruption, so
    AudioTooLong proves decoding stopped at the limit."""
    data = bytearray(make_file(speech, "mp3", "libmp3lame", rate=24000))
    start = len(data) * 2 // 3
    data[start:] = np.random.default_rng(2).integers(0, 256, len(data) - start, dtype=np.uint8).tobytes()
    with pytest.raises(CorruptAudio):
        decode_upload(bytes(data), max_seconds=60)
    with pytest.raises(AudioTooLong):
        decode_upload(bytes(data), max_seconds=1.0)


def test_an_hour_long_recording_is_refused() -> None:
    hour = make_file(Pcm.silence(3_600_000, 8000), "flac", "flac", rate=8000)
    assert probe_duration(hour) == pytest.approx(3600, abs=0.1)
    with pytest.raises(AudioTooLong):
        decode_upload(hour, max_seconds=300)


@pytest.mark.parametrize("name", ["wav stereo 44.1k", "mp3 stereo", "m4a aac (Android, iPhone)", "flac 16k"])
def test_probe_duration_reads_the_header(name: str, uploads: dict[str, bytes], speech: Pcm) -> None:
    seconds = probe_duration(uploads[name])
    assert seconds is not None
    assert seconds == pytest.approx(speech.duration_ms / 1000, abs=0.06)


def test_probe_duration_of_a_live_webm_is_unknown(uploads: dict[str, bytes]) -> None:
    assert probe_duration(uploads["webm opus (Chrome MediaRecorder)"]) is None


def test_probe_duration_raises_the_same_typed_errors() -> None:
    with pytest.raises(EmptyAudio):
        probe_duration(b"")
    with pytest.raises(UnsupportedMediaType):
        probe_duration(b"hello")


def test_max_seconds_must_be_positive(uploads: dict[str, bytes]) -> None:
    with pytest.raises(ValueError):
        decode_upload(uploads["flac 16k"], max_seconds=0)
