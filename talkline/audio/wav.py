"""WAV files: read any WAV into mono Pcm, write Pcm as a 16-bit mono WAV."""

from __future__ import annotations

import io
import wave
from pathlib import Path

from talkline.audio.decode import decode_audio
from talkline.audio.errors import UnsupportedMediaType
from talkline.audio.pcm import SAMPLE_WIDTH, Pcm

_WAV_SIGNATURES = (b"RIFF", b"RF64", b"RIFX")


def read_wav(source: bytes | str | Path) -> Pcm:
    """A WAV file (bytes or a path; any sample format and channel count) as mono Pcm at its own rate."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if data and not data.startswith(_WAV_SIGNATURES):
        raise UnsupportedMediaType("not a WAV file")
    return decode_audio(data, container_format="wav")


def wav_bytes(pcm: Pcm) -> bytes:
    """`pcm` as a complete 16-bit mono WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(SAMPLE_WIDTH)
        wav.setframerate(pcm.rate)
        wav.writeframes(pcm.data)
    return buffer.getvalue()
