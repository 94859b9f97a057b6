"""Typed failures from audio and engines, as the OpenAI-style `ApiError` the REST surface answers with."""

from __future__ import annotations

import logging

from talkline.audio import AudioError
from talkline.engines.base import EngineError
from talkline.engines.synthesis import SpeechRequestError
from talkline.http_errors import ApiError

log = logging.getLogger(__name__)

# engine codes that blame the request, not the server
CLIENT_ENGINE_CODES = frozenset({"unsupported_language", "invalid_audio", "unknown_voice", "invalid_speed"})


def audio_error(exc: AudioError, param: str | None = None) -> ApiError:
    return ApiError(exc.status, exc.message, code=exc.code, param=param)


def engine_error(exc: EngineError, param: str | None = None) -> ApiError:
    if isinstance(exc, SpeechRequestError) or exc.code in CLIENT_ENGINE_CODES:
        return ApiError(400, str(exc), code=exc.code, param=param)
    if exc.code == "turn_timeout":  # the reply ran past TALKLINE_TURN_MAX_SECONDS
        return ApiError(504, str(exc), code=exc.code)
    return ApiError(500, str(exc), code=exc.code)


def as_api_error(exc: Exception) -> ApiError:
    """Any failure of a request, for a client: typed ones keep their status and code, others are
    logged here and reported without details."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, AudioError):
        return audio_error(exc)
    if isinstance(exc, EngineError):
        return engine_error(exc)
    log.error("REST request failed: %s", exc.__class__.__name__, exc_info=exc)
    return ApiError(500, "the server failed to complete the request", code="server_error")
