"""Checking an SDP offer before any WebRTC work: a clear reason for each offer Talkline cannot answer."""

from __future__ import annotations

from dataclasses import dataclass

MAX_OFFER_BYTES = 64 * 1024  # real offers are 2 to 8 KiB


class OfferError(ValueError):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class MediaSection:
    kind: str  # audio, video, application
    protocol: str
    codecs: tuple[str, ...]  # lower-case encoding names from a=rtpmap, e.g. "opus"


def check_offer(sdp: str) -> list[MediaSection]:
    """The offer's media sections, if it has an Opus audio section and a data channel; else OfferError."""
    if not sdp.strip():
        raise OfferError("invalid_offer", "the request body is empty: send the SDP offer")
    lines = [line.strip() for line in sdp.splitlines() if line.strip()]
    if not lines[0].startswith("v=0") or not any(line.startswith("m=") for line in lines):
        raise OfferError("invalid_offer", "the body is not an SDP offer (it must start with 'v=0' and have m= lines)")
    sections = _sections(lines)
    audio = [section for section in sections if section.kind == "audio"]
    if not audio:
        raise OfferError("missing_audio", "the offer has no audio m-section: add an audio transceiver")
    if "opus" not in audio[0].codecs:
        offered = ", ".join(audio[0].codecs) or "none"
        raise OfferError("unsupported_codec", f"the audio section offers no Opus (offered: {offered}); "
                         "Talkline answers Opus 48 kHz")
    if not any(section.kind == "application" and "DTLS/SCTP" in section.protocol for section in sections):
        raise OfferError("missing_data_channel", "the offer has no data channel: create the 'oai-events' "
                         "data channel before making the offer")
    return sections


def _sections(lines: list[str]) -> list[MediaSection]:
    sections: list[MediaSection] = []
    kind, protocol, codecs = "", "", []
    for line in lines:
        if line.startswith("m="):
            if kind:
                sections.append(MediaSection(kind, protocol, tuple(codecs)))
            parts = line[2:].split()
            kind, protocol, codecs = parts[0] if parts else "", parts[2] if len(parts) > 2 else "", []
        elif line.startswith("a=rtpmap:") and kind:
            _, _, encoding = line.partition(" ")
            codecs.append(encoding.split("/")[0].lower())
    if kind:
        sections.append(MediaSection(kind, protocol, tuple(codecs)))
    return sections
