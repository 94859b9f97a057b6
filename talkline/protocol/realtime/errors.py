"""Protocol errors: the exception the edges raise, its wire event, and the error codes.

A `ProtocolError` never ends a session: the server turns it into an `error` event carrying the
client's `event_id` and keeps going.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationError

from talkline.protocol.realtime.ids import new_id
from talkline.protocol.realtime.wire import WireModel

# error types
INVALID_REQUEST_ERROR = "invalid_request_error"
SERVER_ERROR = "server_error"

# codes: malformed client input
INVALID_JSON = "invalid_json"
INVALID_EVENT = "invalid_event"
UNKNOWN_EVENT_TYPE = "unknown_event_type"
INVALID_VALUE = "invalid_value"
MISSING_REQUIRED_PARAMETER = "missing_required_parameter"
UNKNOWN_PARAMETER = "unknown_parameter"
INVALID_BASE64 = "invalid_base64"
FRAME_TOO_LARGE = "frame_too_large"
# codes: requests that do not fit the session's state
INPUT_AUDIO_BUFFER_COMMIT_EMPTY = "input_audio_buffer_commit_empty"
CONVERSATION_ALREADY_HAS_ACTIVE_RESPONSE = "conversation_already_has_active_response"
RESPONSE_CANCEL_NOT_ACTIVE = "response_cancel_not_active"
ITEM_NOT_FOUND = "item_not_found"
INVALID_AUDIO_END_MS = "invalid_audio_end_ms"
# codes: admission, auth and failures
SESSION_LIMIT_REACHED = "session_limit_reached"
RATE_LIMIT_EXCEEDED = "rate_limit_exceeded"
INVALID_API_KEY = "invalid_api_key"
SESSION_EXPIRED = "session_expired"
SERVER_ERROR_CODE = "server_error"


class ErrorDetail(WireModel):
    type: str
    code: str | None = None
    message: str
    param: str | None = None
    event_id: str | None = None


class ErrorEvent(WireModel):
    type: Literal["error"]
    event_id: str = Field(default_factory=lambda: new_id("event"))
    error: ErrorDetail


class ProtocolError(Exception):
    """A client-visible error: `type`, `code`, `message`, `param` (field path), `event_id` (the client's)."""

    def __init__(self, code: str, message: str, *, param: str | None = None, event_id: str | None = None,
                 type: str = INVALID_REQUEST_ERROR) -> None:
        super().__init__(message)
        self.type = type
        self.code = code
        self.message = message
        self.param = param
        self.event_id = event_id

    def __repr__(self) -> str:
        return f"ProtocolError(code={self.code!r}, message={self.message!r}, param={self.param!r})"

    def with_event_id(self, event_id: str | None) -> ProtocolError:
        """The same error attributed to the client event `event_id` (kept if already set)."""
        return ProtocolError(self.code, self.message, param=self.param, event_id=self.event_id or event_id,
                             type=self.type)

    def to_event(self) -> ErrorEvent:
        return error_event(self.code, self.message, param=self.param, event_id=self.event_id, type=self.type)


def error_event(code: str, message: str, *, param: str | None = None, event_id: str | None = None,
                type: str = INVALID_REQUEST_ERROR) -> ErrorEvent:
    """The server `error` event; `event_id` is the failing client event's id (the event gets its own)."""
    return ErrorEvent(error=ErrorDetail(type=type, code=code, message=message, param=param, event_id=event_id))


def from_validation_error(exc: ValidationError, data: Any, *, prefix: str = "",
                          event_id: str | None = None) -> ProtocolError:
    """Turn pydantic's report on `data` into one ProtocolError naming the offending field path."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    path = _error_path(first, data)
    param = ".".join(part for part in (prefix, path) if part).replace(".[", "[") or None
    if first["type"] in ("missing", "union_tag_not_found"):
        return ProtocolError(MISSING_REQUIRED_PARAMETER, f"Missing required parameter: '{param}'.",
                             param=param, event_id=event_id)
    if first["type"] == "extra_forbidden":
        return ProtocolError(UNKNOWN_PARAMETER, f"Unknown parameter: '{param}'.", param=param, event_id=event_id)
    reasons = dict.fromkeys(_reason(e) for e in errors if _error_path(e, data) == path)
    subject = f"'{param}'" if param else "event"
    return ProtocolError(INVALID_VALUE, f"Invalid value for {subject}: {'; '.join(reasons)}.", param=param,
                         event_id=event_id)


def _error_path(error: Any, data: Any) -> str:
    """The field path in `data` of one pydantic error.

    Pydantic's `loc` also holds union branch names (e.g. a format's tag 'audio/pcm'); walking the
    actual input keeps only the steps that exist in it.
    """
    loc = error["loc"]
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(node, dict) and isinstance(key, str) and key in node:
            parts.append(key)
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            parts.append(f"[{key}]")
            node = node[key]
    if error["type"] == "missing" and loc and isinstance(loc[-1], str):
        parts.append(loc[-1])
    elif error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        parts.append("type")
    return ".".join(parts)


def _reason(error: Any) -> str:
    return str(error["msg"]).removeprefix("Value error, ").rstrip(".")
