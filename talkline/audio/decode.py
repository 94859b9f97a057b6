"""Decoding uploaded audio files from memory with PyAV into mono Pcm.

Synchronous and CPU-bound: request handlers run these through the inference pool.
"""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator

import av
from av.container import InputContainer

from talkline.audio.errors import AudioTooLong, CorruptAudio, EmptyAudio, UnsupportedMediaType
from talkline.audio.pcm import Pcm
from talkline.audio.resample import resample

# Only these demuxers may open uploads: playlist-style formats (hls, concat…) would make FFmpeg
# fetch other files or URLs. "mov" covers mp4/m4a/3gp, "matroska" covers webm.
ALLOWED_CONTAINERS = ("wav", "mp3", "mov", "ogg", "matroska", "flac", "aac", "amr", "aiff", "caf", "w64")

# Decoding may fall short of the declared length by encoder padding, or by a bitrate-based estimate
# (mp3 without a Xing header); more than this is a truncated file.
TRUNCATION_TOLERANCE_S = 0.5
TRUNCATION_TOLERANCE_SHARE = 0.1

_WAV_UNKNOWN_SIZE = 0xFFFFFFFF  # what streaming WAV writers put in the header

# Signatures of the allowed containers: a file that starts like one but fails to open is corrupt
# (400), anything else is simply not audio we take (415).
_SIGNATURES = (
    b"RIFF",
    b"RF64",
    b"ID3",
    b"OggS",
    b"fLaC",
    b"\x1aE\xdf\xa3",
    b"#!AMR",
    b"FORM",
    b"caff",
    b"riff",
)


def _looks_like_audio(data: bytes) -> bool:
    if data.startswith(_SIGNATURES) or data[4:8] == b"ftyp":
        return True
    return len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0  # MPEG audio / ADTS frame sync


def _open(data: bytes, container_format: str | None) -> InputContainer:
    if not data:
        raise EmptyAudio("the audio file is empty")
    try:
        return av.open(
            io.BytesIO(data),
            format=container_format,
            options={"format_whitelist": ",".join(ALLOWED_CONTAINERS)},
            metadata_errors="replace",
        )
    except av.FFmpegError as error:
        if _looks_like_audio(data):
            raise CorruptAudio(f"the audio file could not be read: {error.strerror}") from error
        raise UnsupportedMediaType("not an audio file in a supported format") from error


def _audio_stream(container: InputContainer) -> av.audio.stream.AudioStream:
    if not container.streams.audio:
        raise UnsupportedMediaType(f"the {container.format.name} file has no audio stream")
    return container.streams.audio[0]


def _mono_frames(container: InputContainer, stream: av.audio.stream.AudioStream) -> Iterator[av.AudioFrame]:
    """Decoded audio as mono s16 frames at the stream's own rate."""
    downmix: av.AudioResampler | None = None
    for frame in container.decode(stream):
        if downmix is None:
            downmix = av.AudioResampler(format="s16", layout="mono", rate=frame.sample_rate)
        yield from downmix.resample(frame)
    if downmix is not None:
        yield from downmix.resample(None)


def _wav_declared_seconds(data: bytes) -> float | None:
    """The length a PCM WAV header declares (FFmpeg clips it to the bytes present, hiding truncation)."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            frames, rate = wav.getnframes(), wav.getframerate()
            frame_bytes = wav.getsampwidth() * wav.getnchannels()
    except (wave.Error, EOFError):
        return None  # not plain PCM (float, extensible): leave it to FFmpeg
    if not frames or frames * frame_bytes > _WAV_UNKNOWN_SIZE - frame_bytes:
        return None  # a streaming writer's placeholder size: length unknown
    return frames / rate


def _declared_seconds(
    data: bytes, container: InputContainer, stream: av.audio.stream.AudioStream
) -> float | None:
    if container.format.name == "wav":
        return _wav_declared_seconds(data)
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _check_complete(decoded_seconds: float, declared_seconds: float | None) -> None:
    """Most demuxers hand out what is there when a file is cut short; its header still tells."""
    if declared_seconds is None:
        return
    missing = declared_seconds - decoded_seconds
    if missing > max(TRUNCATION_TOLERANCE_S, TRUNCATION_TOLERANCE_SHARE * declared_seconds):
        raise CorruptAudio(
            f"the audio file is truncated: its header declares {declared_seconds:.2f} s "
            f"but only {decoded_seconds:.2f} s could be decoded"
        )


def _decode(data: bytes, container: InputContainer, max_seconds: float | None) -> Pcm:
    stream = _audio_stream(container)
    chunks: list[bytes] = []
    samples = 0
    native_rate = 0
    try:
        for frame in _mono_frames(container, stream):
            native_rate = frame.sample_rate
            chunks.append(frame.to_ndarray().astype("<i2", copy=False).tobytes())
            samples += frame.samples
            if max_seconds is not None and samples > max_seconds * native_rate:
                raise AudioTooLong(f"the audio is longer than the limit of {max_seconds:g} seconds")
    except av.FFmpegError as error:
        raise CorruptAudio(f"the audio file is damaged: {error.strerror}") from error
    if not samples:
        raise EmptyAudio("the audio file contains no sound samples")
    _check_complete(samples / native_rate, _declared_seconds(data, container, stream))
    return Pcm(b"".join(chunks), native_rate)


def decode_audio(
    data: bytes,
    *,
    rate: int | None = None,
    max_seconds: float | None = None,
    container_format: str | None = None,
) -> Pcm:
    """Decode a whole audio file held in memory to mono Pcm at `rate` (None keeps the file's rate).

    Decoding stops with `AudioTooLong` as soon as more than `max_seconds` have been decoded.
    Raises EmptyAudio, UnsupportedMediaType, CorruptAudio or AudioTooLong (all `AudioError`).
    """
    if max_seconds is not None and max_seconds <= 0:
        raise ValueError(f"max_seconds must be positive, got {max_seconds}")
    with _open(data, container_format) as container:
        pcm = _decode(data, container, max_seconds)
    return pcm if rate is None else resample(pcm, rate)


def decode_upload(data: bytes, *, rate: int = 16000, max_seconds: float) -> Pcm:
    """An uploaded file (wav, mp3, m4a/aac, ogg/opus, webm/opus, flac, …; any channels and rate) as
    mono Pcm at `rate`, refused past `max_seconds`. Sync and CPU-bound: call it via the pool."""
    return decode_audio(data, rate=rate, max_seconds=max_seconds)


def probe_duration(data: bytes) -> float | None:
    """The duration in seconds the file's headers declare, without decoding (None if they do not
    say). Cheap, but only as honest as the file: use it to refuse early, not to accept."""
    with _open(data, None) as container:
        return _declared_seconds(data, container, _audio_stream(container))
