"""Encoding output audio with PyAV: whole files (`encode_audio`) and chunk streams (`ChunkEncoder`).

Chunk contract of `ChunkEncoder` (what voice-job `audio_chunk` events and streamed
`/v1/audio/speech` bodies carry). Every chunk decodes on its own, and reports how long it plays:

- `pcm` / `pcm16`: raw s16le mono at `encoder.rate`; the chunks concatenate to one raw stream.
- `mp3`, `aac`: consecutive slices of one continuous elementary stream (MP3 frames encoded without
  the bit reservoir, so no frame borrows bits from an earlier chunk; ADTS frames). A chunk holds
  whole frames only, so it decodes alone, and the concatenation is one valid stream. The encoder
  looks ahead and a few frames are held back for the final chunk, so these chunks trail the input
  slightly; `flush()` emits the rest.
- `opus`, `flac`, `wav`: each chunk is a complete small file (Ogg Opus, FLAC, WAV). Play them one
  after another; their concatenation is not one file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Protocol

import av
import numpy as np

from talkline.audio.errors import InvalidAudioFormat
from talkline.audio.pcm import Pcm
from talkline.audio.resample import RateMatcher, resample
from talkline.audio.wav import wav_bytes

_MPEG_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
_AAC_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000)
_OPUS_RATES = (8000, 12000, 16000, 24000, 48000)
RAW_FORMATS = frozenset({"pcm", "pcm16"})


@dataclass(frozen=True, slots=True)
class _Codec:
    container: str  # PyAV muxer
    codec: str  # PyAV encoder
    content_type: str
    rates: tuple[int, ...] = ()  # rates the encoder accepts; empty means any
    bit_rate: int | None = None
    # for continuous chunk streams: frames only (no tags or headers), each decodable on its own
    stream_muxer_options: dict[str, str] = field(default_factory=dict)
    stream_codec_options: dict[str, str] = field(default_factory=dict)
    # FFmpeg recognises a headerless MP3/ADTS stream only from a run of frames (its probes want 4
    # and 3), so a chunk holds at least this many
    min_chunk_frames: int = 1

    def rate_for(self, rate: int) -> int:
        """The accepted rate closest above `rate` (or the highest one)."""
        if not self.rates or rate in self.rates:
            return rate
        return min((r for r in self.rates if r >= rate), default=max(self.rates))


_CODECS = {
    "mp3": _Codec(
        "mp3",
        "libmp3lame",
        "audio/mpeg",
        _MPEG_RATES,
        64_000,
        stream_muxer_options={"write_xing": "0", "id3v2_version": "0"},
        stream_codec_options={"reservoir": "0"},
        # FFmpeg's MP3 probe is only sure of 7+ frames in a row; 4 silent frames were misread
        min_chunk_frames=8,
    ),
    "aac": _Codec("adts", "aac", "audio/aac", _AAC_RATES, 64_000, min_chunk_frames=3),
    "opus": _Codec("ogg", "libopus", "audio/ogg", _OPUS_RATES, 32_000),
    "flac": _Codec("flac", "flac", "audio/flac"),
    "wav": _Codec("wav", "pcm_s16le", "audio/wav"),
}
_STREAMED = frozenset({"mp3", "aac"})
OUTPUT_FORMATS = frozenset(_CODECS) | RAW_FORMATS


def _codec(fmt: str) -> _Codec | None:
    """The codec for `fmt`, None for raw PCM; unknown names raise InvalidAudioFormat."""
    if fmt in RAW_FORMATS:
        return None
    codec = _CODECS.get(fmt)
    if codec is None:
        raise InvalidAudioFormat(f"unsupported audio format {fmt!r}; use one of {sorted(OUTPUT_FORMATS)}")
    return codec


def content_type(fmt: str) -> str:
    """The HTTP Content-Type of audio encoded as `fmt`."""
    codec = _codec(fmt)
    return "audio/pcm" if codec is None else codec.content_type


def _frame(pcm: Pcm, pts: int) -> av.AudioFrame:
    samples = np.frombuffer(pcm.data, dtype="<i2").reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
    frame.sample_rate = pcm.rate
    frame.pts = pts
    frame.time_base = Fraction(1, pcm.rate)
    return frame


def _encode_file(pcm: Pcm, codec: _Codec) -> bytes:
    if codec.container == "wav":
        return wav_bytes(pcm)
    pcm = resample(pcm, codec.rate_for(pcm.rate))
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=codec.container) as container:
        stream = container.add_stream(codec.codec, rate=pcm.rate, layout="mono")
        if codec.bit_rate:
            stream.bit_rate = codec.bit_rate
        frames = [_frame(pcm, 0)] if pcm.data else []
        for frame in [*frames, None]:
            for packet in stream.encode(frame):
                container.mux(packet)
    return buffer.getvalue()


def encode_audio(pcm: Pcm, fmt: str) -> bytes:
    """`pcm` as a complete file in `fmt` (`pcm`/`pcm16` give raw s16le at `pcm.rate`). CPU-bound:
    run it through the inference pool on request paths."""
    codec = _codec(fmt)
    if codec is None:
        return pcm.data
    return _encode_file(pcm, codec)


@dataclass(frozen=True, slots=True)
class AudioChunk:
    data: bytes
    duration_ms: float


class _ChunkWriter(Protocol):
    def write(self, pcm: Pcm) -> AudioChunk | None: ...

    def close(self) -> AudioChunk | None: ...


class _RawChunks:
    def write(self, pcm: Pcm) -> AudioChunk | None:
        return AudioChunk(pcm.data, pcm.duration_ms) if pcm.data else None

    def close(self) -> AudioChunk | None:
        return None


class _FileChunks:
    """Each chunk is a complete file of its own."""

    def __init__(self, codec: _Codec) -> None:
        self._codec = codec

    def write(self, pcm: Pcm) -> AudioChunk | None:
        if not pcm.data:
            return None
        return AudioChunk(_encode_file(pcm, self._codec), pcm.duration_ms)

    def close(self) -> AudioChunk | None:
        return None


class _Collector:
    """A write-only file for PyAV that hands back whatever was written since the last `take()`."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


class _StreamChunks:
    """One encoder and muxer for the whole stream; a chunk is the frames produced since the last one.

    The last `min_chunk_frames` frames are always held back, so that the stream's final chunk holds
    at least that many too (a 2-frame MP3 tail did not decode alone)."""

    def __init__(self, codec: _Codec, rate: int) -> None:
        self._output = _Collector()
        # flush_packets: every muxed frame reaches the collector at once, not when a buffer fills.
        options = {"flush_packets": "1", **codec.stream_muxer_options}
        self._container = av.open(self._output, "w", format=codec.container, options=options)
        self._stream = self._container.add_stream(codec.codec, rate=rate, layout="mono")
        self._stream.bit_rate = codec.bit_rate or 0
        self._stream.codec_context.options = dict(codec.stream_codec_options)
        self._min_frames = codec.min_chunk_frames
        self._rate = rate
        self._samples_in = 0
        self._frames: list[bytes] = []  # muxed but not yet returned, one entry per frame

    def write(self, pcm: Pcm) -> AudioChunk | None:
        if not pcm.data:
            return None
        frame = _frame(pcm, self._samples_in)
        self._samples_in += pcm.samples
        self._mux(self._stream.encode(frame))
        return self._take(keep=self._min_frames) if len(self._frames) >= 2 * self._min_frames else None

    def close(self) -> AudioChunk | None:
        self._mux(self._stream.encode(None))
        self._container.close()
        if (trailer := self._output.take()) and self._frames:
            self._frames[-1] += trailer
        return self._take(keep=0) if self._frames else None

    def _mux(self, packets: list[av.Packet]) -> None:
        for packet in packets:
            self._container.mux(packet)
            self._frames.append(self._output.take())

    def _take(self, keep: int) -> AudioChunk:
        count = len(self._frames) - keep
        data = b"".join(self._frames[:count])
        del self._frames[:count]
        # Every MP3/AAC frame decodes to exactly frame_size samples.
        return AudioChunk(data, 1000.0 * count * self._stream.codec_context.frame_size / self._rate)


class ChunkEncoder:
    """Encodes a stream of Pcm pieces (any rate) into self-contained chunks; see the module docstring
    for the contract per format. `rate` is the stream's rate (raised to the codec's nearest
    supported rate where needed, see `.rate`). Not reusable after `flush()`."""

    def __init__(self, fmt: str, rate: int = 24000) -> None:
        codec = _codec(fmt)
        self.format = fmt
        self.rate = rate if codec is None else codec.rate_for(rate)
        self.content_type = content_type(fmt)
        self._resampler = RateMatcher(self.rate)
        self._writer = self._writer_for(fmt, codec)
        self._closed = False

    def _writer_for(self, fmt: str, codec: _Codec | None) -> _ChunkWriter:
        if codec is None:
            return _RawChunks()
        if fmt in _STREAMED:
            return _StreamChunks(codec, self.rate)
        return _FileChunks(codec)

    def push(self, pcm: Pcm) -> AudioChunk | None:
        """Encode one piece; returns a chunk when there is audio to emit, None while buffering."""
        self._ensure_open()
        return self._writer.write(self._resampler.push(pcm))

    def flush(self) -> AudioChunk | None:
        """End of stream: the last chunk, if anything was still buffered."""
        self._ensure_open()
        self._closed = True
        tail = self._writer.write(self._resampler.flush())
        last = self._writer.close()
        return _join(tail, last)

    def _ensure_open(self) -> None:
        if self._closed:
            raise RuntimeError("this ChunkEncoder was flushed; create a new one for a new stream")


def _join(first: AudioChunk | None, second: AudioChunk | None) -> AudioChunk | None:
    """Both chunks of a stream's end as one (only the continuous formats ever have two)."""
    if first is None or second is None:
        return first or second
    return AudioChunk(first.data + second.data, first.duration_ms + second.duration_ms)
