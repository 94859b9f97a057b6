"""Audio: PCM containers, resampling, G.711, decoding uploads and encoding outputs."""

from talkline.audio.decode import decode_audio, decode_upload, probe_duration
from talkline.audio.echo import EchoDetector
from talkline.audio.encode import OUTPUT_FORMATS, AudioChunk, ChunkEncoder, content_type, encode_audio
from talkline.audio.errors import (
    AudioError,
    AudioTooLong,
    CorruptAudio,
    EmptyAudio,
    InvalidAudioFormat,
    UnsupportedMediaType,
)
from talkline.audio.g711 import alaw_decode, alaw_encode, ulaw_decode, ulaw_encode
from talkline.audio.level import rms_dbfs
from talkline.audio.pcm import Pcm
from talkline.audio.resample import RateMatcher, StreamResampler, resample
from talkline.audio.wav import read_wav, wav_bytes
from talkline.audio.wire_formats import PCM16, PCMA, PCMU, OutputFramer, WireFormat, decode_wire, encode_wire

__all__ = [
    "PCM16",
    "PCMA",
    "PCMU",
    "OUTPUT_FORMATS",
    "AudioChunk",
    "AudioError",
    "AudioTooLong",
    "ChunkEncoder",
    "CorruptAudio",
    "EchoDetector",
    "EmptyAudio",
    "InvalidAudioFormat",
    "OutputFramer",
    "Pcm",
    "RateMatcher",
    "StreamResampler",
    "UnsupportedMediaType",
    "WireFormat",
    "alaw_decode",
    "alaw_encode",
    "content_type",
    "decode_audio",
    "decode_upload",
    "decode_wire",
    "encode_audio",
    "encode_wire",
    "probe_duration",
    "read_wav",
    "resample",
    "rms_dbfs",
    "ulaw_decode",
    "ulaw_encode",
    "wav_bytes",
]
