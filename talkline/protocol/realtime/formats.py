"""Audio formats on the wire: GA format objects and the beta dialect's format strings."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from talkline.protocol.realtime.wire import WireModel

PCM_RATE = 24000


class PcmFormat(WireModel):
    """16-bit signed little-endian mono PCM; the service only allows 24 kHz."""

    type: Literal["audio/pcm"] = "audio/pcm"
    rate: Literal[24000] = PCM_RATE


class PcmuFormat(WireModel):
    """G.711 µ-law, 8 kHz mono."""

    type: Literal["audio/pcmu"] = "audio/pcmu"


class PcmaFormat(WireModel):
    """G.711 A-law, 8 kHz mono."""

    type: Literal["audio/pcma"] = "audio/pcma"


AudioFormat = Annotated[PcmFormat | PcmuFormat | PcmaFormat, Field(discriminator="type")]

BetaAudioFormat = Literal["pcm16", "g711_ulaw", "g711_alaw"]
BETA_TO_GA_FORMAT: dict[str, dict[str, str | int]] = {
    "pcm16": {"type": "audio/pcm", "rate": PCM_RATE},
    "g711_ulaw": {"type": "audio/pcmu"},
    "g711_alaw": {"type": "audio/pcma"},
}
GA_TO_BETA_FORMAT: dict[str, str] = {str(ga["type"]): beta for beta, ga in BETA_TO_GA_FORMAT.items()}


def bytes_per_ms(fmt: PcmFormat | PcmuFormat | PcmaFormat) -> int:
    """Audio bytes per millisecond of `fmt` (48 for 24 kHz pcm16, 8 for G.711)."""
    return PCM_RATE * 2 // 1000 if isinstance(fmt, PcmFormat) else 8
