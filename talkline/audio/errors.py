"""Typed audio errors. Each carries the HTTP status and the client-facing error code it maps to."""

from __future__ import annotations


class AudioError(ValueError):
    """Bad audio input. `status` is the HTTP status to answer with, `code` the error code."""

    status: int = 400
    code: str = "invalid_audio"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EmptyAudio(AudioError):
    status = 400
    code = "empty_audio"


class UnsupportedMediaType(AudioError):
    status = 415
    code = "unsupported_media_type"


class CorruptAudio(AudioError):
    status = 400
    code = "corrupt_audio"


class AudioTooLong(AudioError):
    status = 413
    code = "audio_too_long"


class InvalidAudioFormat(AudioError):
    """An unknown or disallowed format name or format object (wire formats, output formats)."""

    status = 400
    code = "invalid_audio_format"
