"""Realtime API audio formats on the wire (pcm16 at 24 kHz, G.711 µ-law and A-law at 8 kHz), in both
the GA object form and the beta string form, and the framer that turns TTS audio into wire frames."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from talkline.audio.errors import CorruptAudio, InvalidAudioFormat
from talkline.audio.g711 import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode
from talkline.audio.pcm import SAMPLE_WIDTH, Pcm
from talkline.audio.resample import RateMatcher, resample


@dataclass(frozen=True, slots=True)
class WireFormat:
    """One Realtime audio format. `name` is the GA type without its `audio/` prefix."""

    name: str
    rate: int
    sample_width: int  # bytes per sample on the wire
    beta_name: str

    @property
    def bytes_per_ms(self) -> int:
        return self.rate * self.sample_width // 1000

    def duration_ms(self, nbytes: int) -> float:
        return nbytes / self.bytes_per_ms

    def to_ga(self) -> dict[str, object]:
        if self.name == "pcm":
            return {"type": "audio/pcm", "rate": self.rate}
        return {"type": f"audio/{self.name}"}

    @classmethod
    def from_ga(cls, value: Mapping[str, object]) -> WireFormat:
        """From a GA format object such as `{"type": "audio/pcm", "rate": 24000}`."""
        fmt = _BY_GA_TYPE.get(str(value.get("type")))
        if fmt is None:
            raise InvalidAudioFormat(f"unsupported audio format type {value.get('type')!r}")
        rate = value.get("rate")
        if rate is not None and rate != fmt.rate:  # None: a model dump of an unset field
            raise InvalidAudioFormat(
                f"{fmt.to_ga()['type']} is only supported at {fmt.rate} Hz, got {rate!r}"
            )
        return fmt

    @classmethod
    def from_beta(cls, value: str) -> WireFormat:
        """From a beta format string: `pcm16`, `g711_ulaw` or `g711_alaw`."""
        fmt = _BY_BETA_NAME.get(value)
        if fmt is None:
            raise InvalidAudioFormat(f"unsupported audio format {value!r}")
        return fmt

    @classmethod
    def parse(cls, value: object) -> WireFormat:
        """From either dialect: a GA object or a beta string."""
        if isinstance(value, str):
            return cls.from_beta(value)
        if isinstance(value, Mapping):
            return cls.from_ga(value)
        raise InvalidAudioFormat(f"an audio format is an object or a string, got {type(value).__name__}")


PCM16 = WireFormat("pcm", 24000, 2, "pcm16")
PCMU = WireFormat("pcmu", 8000, 1, "g711_ulaw")
PCMA = WireFormat("pcma", 8000, 1, "g711_alaw")
WIRE_FORMATS = (PCM16, PCMU, PCMA)
_BY_GA_TYPE = {f"audio/{fmt.name}": fmt for fmt in WIRE_FORMATS}
_BY_BETA_NAME = {fmt.beta_name: fmt for fmt in WIRE_FORMATS}

_ENCODERS: dict[WireFormat, Callable[[bytes], bytes]] = {
    PCM16: bytes,
    PCMU: ulaw_encode,
    PCMA: alaw_encode,
}
_DECODERS: dict[WireFormat, Callable[[bytes], bytes]] = {
    PCM16: bytes,
    PCMU: ulaw_decode,
    PCMA: alaw_decode,
}


def decode_wire(fmt: WireFormat, data: bytes) -> Pcm:
    """Raw wire bytes (already base64-decoded) → Pcm at the format's rate."""
    if len(data) % fmt.sample_width:
        raise CorruptAudio(f"{fmt.beta_name} audio must be whole samples, got {len(data)} bytes")
    return Pcm(_DECODERS[fmt](data), fmt.rate)


def encode_wire(fmt: WireFormat, pcm: Pcm) -> bytes:
    """One-shot: `pcm` at any rate → wire bytes. For a stream of chunks use `OutputFramer`."""
    return _ENCODERS[fmt](resample(pcm, fmt.rate).data)


class OutputFramer:
    """Turns a stream of Pcm chunks at any rate into wire frames of exactly `frame_ms` each.

    Resampling is streamed (no clicks at chunk edges). `push` returns the frames completed so far;
    `flush` returns the rest at the end of a response, the last frame possibly shorter.
    """

    def __init__(self, fmt: WireFormat, frame_ms: int = 100) -> None:
        if frame_ms <= 0:
            raise ValueError(f"frame_ms must be positive, got {frame_ms}")
        self.fmt = fmt
        self.frame_ms = frame_ms
        self._frame_pcm_bytes = fmt.rate * frame_ms // 1000 * SAMPLE_WIDTH
        self._resampler = RateMatcher(fmt.rate)
        self._pending = bytearray()

    @property
    def frame_bytes(self) -> int:
        """Size of one complete frame on the wire."""
        return self._frame_pcm_bytes // SAMPLE_WIDTH * self.fmt.sample_width

    def push(self, pcm: Pcm) -> list[bytes]:
        self._pending += self._resampler.push(pcm).data
        return self._take_frames()

    def flush(self) -> list[bytes]:
        self._pending += self._resampler.flush().data
        frames = self._take_frames()
        if self._pending:
            frames.append(_ENCODERS[self.fmt](bytes(self._pending)))
            self._pending.clear()
        return frames

    def reset(self) -> None:
        """Drop everything not yet returned (barge-in)."""
        self._resampler.reset()
        self._pending.clear()

    def _take_frames(self) -> list[bytes]:
        size = self._frame_pcm_bytes
        count = len(self._pending) // size
        frames = [_ENCODERS[self.fmt](bytes(self._pending[i * size : (i + 1) * size])) for i in range(count)]
        del self._pending[: count * size]
        return frames
