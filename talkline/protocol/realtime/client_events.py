"""Client → server events (§1.5) and the parser that turns a WebSocket text frame into one of them."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, TypeAdapter, ValidationError, field_serializer

from talkline.protocol.realtime.beta import beta_client_to_ga, ga_param_to_beta
from talkline.protocol.realtime.errors import (
    INVALID_BASE64,
    INVALID_EVENT,
    INVALID_JSON,
    UNKNOWN_EVENT_TYPE,
    ProtocolError,
    from_validation_error,
)
from talkline.protocol.realtime.formats import AudioFormat
from talkline.protocol.realtime.items import ConversationItem, InputItem
from talkline.protocol.realtime.session import (
    MaxOutputTokens,
    OutputModalities,
    Session,
    ToolChoice,
    Tools,
    Voice,
)
from talkline.protocol.realtime.wire import ALL_FIELDS, WireModel, event_type

MAX_APPEND_BASE64_CHARS = 20 * 1024 * 1024  # 15 MiB of audio per append, base64-encoded

Metadata = Annotated[
    dict[Annotated[str, Field(max_length=64)], Annotated[str, Field(max_length=512)]],
    Field(max_length=16),
]


class ClientEventBase(WireModel):
    omit_if_none = frozenset({"event_id"})

    event_id: str | None = None  # chosen by the client; echoed in error.event_id


class SessionUpdateEvent(ClientEventBase):
    type: Literal["session.update"]
    session: Session

    def patch(self) -> dict[str, Any]:
        """Only what the client sent (explicit nulls included), for `merge_session`."""
        return self.session.model_dump(mode="json", exclude_unset=True)

    @field_serializer("session")
    def _session_as_sent(self, session: Session) -> dict[str, Any]:
        # an update is partial on the wire too: defaults the sender never set are not sent
        return session.model_dump(mode="json", exclude_unset=True)


class InputAudioBufferAppendEvent(ClientEventBase):
    type: Literal["input_audio_buffer.append"]
    audio: Annotated[str, Field(max_length=MAX_APPEND_BASE64_CHARS)]  # base64, session input format


class InputAudioBufferCommitEvent(ClientEventBase):
    type: Literal["input_audio_buffer.commit"]


class InputAudioBufferClearEvent(ClientEventBase):
    type: Literal["input_audio_buffer.clear"]


class ConversationItemCreateEvent(ClientEventBase):
    """Adds an item; `previous_item_id` absent appends, "root" inserts first, an id inserts after it."""

    omit_if_none = frozenset({"event_id", "previous_item_id"})

    type: Literal["conversation.item.create"]
    previous_item_id: str | None = None
    item: ConversationItem


class ConversationItemRetrieveEvent(ClientEventBase):
    type: Literal["conversation.item.retrieve"]
    item_id: str


class ConversationItemDeleteEvent(ClientEventBase):
    type: Literal["conversation.item.delete"]
    item_id: str


class ConversationItemTruncateEvent(ClientEventBase):
    """Keeps only the first `audio_end_ms` of an assistant item's audio: what the user actually heard."""

    type: Literal["conversation.item.truncate"]
    item_id: str
    content_index: Annotated[int, Field(ge=0)] = 0
    audio_end_ms: Annotated[int, Field(ge=0)]


class ResponseAudioOutputParams(WireModel):
    omit_if_none = frozenset({ALL_FIELDS})

    format: AudioFormat | None = None
    voice: Voice | None = None


class ResponseAudioParams(WireModel):
    omit_if_none = frozenset({ALL_FIELDS})

    output: ResponseAudioOutputParams | None = None


class ResponseParams(WireModel):
    """Per-response overrides of `response.create`; every field is optional.

    `conversation: "none"` makes an out-of-band response whose items are not added to the
    conversation; `input` replaces the context with explicit items / references (`[]` = empty).
    """

    omit_if_none = frozenset({ALL_FIELDS})

    output_modalities: OutputModalities | None = None
    instructions: str | None = None
    audio: ResponseAudioParams | None = None
    tools: Tools | None = None
    tool_choice: ToolChoice | None = None
    max_output_tokens: MaxOutputTokens | None = None
    metadata: Metadata | None = None
    conversation: Literal["auto", "none"] | None = None
    input: list[InputItem] | None = None
    prompt: dict[str, Any] | None = None
    reasoning: dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None


class ResponseCreateEvent(ClientEventBase):
    omit_if_none = frozenset({"event_id", "response"})

    type: Literal["response.create"]
    response: ResponseParams | None = None


class ResponseCancelEvent(ClientEventBase):
    omit_if_none = frozenset({"event_id", "response_id"})

    type: Literal["response.cancel"]
    response_id: str | None = None


class OutputAudioBufferClearEvent(ClientEventBase):
    type: Literal["output_audio_buffer.clear"]


ClientEvent = Annotated[
    SessionUpdateEvent
    | InputAudioBufferAppendEvent
    | InputAudioBufferCommitEvent
    | InputAudioBufferClearEvent
    | ConversationItemCreateEvent
    | ConversationItemRetrieveEvent
    | ConversationItemDeleteEvent
    | ConversationItemTruncateEvent
    | ResponseCreateEvent
    | ResponseCancelEvent
    | OutputAudioBufferClearEvent,
    Field(discriminator="type"),
]

_CLIENT_EVENTS: TypeAdapter[ClientEvent] = TypeAdapter(ClientEvent)
CLIENT_EVENT_TYPES: tuple[str, ...] = tuple(event_type(model) for model in get_args(get_args(ClientEvent)[0]))


def parse_client_event(raw: str | bytes, *, beta: bool = False) -> ClientEvent:
    """Parse one text frame. `beta=True` first maps the beta dialect to GA (including
    `transcription_session.update`, which becomes `session.update` of a transcription session).

    Raises ProtocolError (type invalid_request_error) with code invalid_json, invalid_event,
    unknown_event_type, invalid_value, missing_required_parameter or unknown_parameter; `param` is
    the offending field path and `event_id` the client's event_id whenever it could be read.
    """
    data = _decode_object(raw)
    event_id = data.get("event_id") if isinstance(data.get("event_id"), str) else None
    try:
        if beta:
            data = beta_client_to_ga(data)
        _check_type(data)
        return _CLIENT_EVENTS.validate_python(data)
    except ValidationError as exc:
        error = from_validation_error(exc, data, event_id=event_id)
    except ProtocolError as exc:
        error = exc.with_event_id(event_id)
    raise _in_beta_terms(error) if beta else error


def decode_base64_audio(text: str, *, param: str = "audio") -> bytes:
    """Strict base64 (standard alphabet, correct padding, no whitespace) → bytes, else invalid_base64."""
    if not isinstance(text, str):
        raise ProtocolError(INVALID_BASE64, f"Invalid base64 in '{param}': expected a string.", param=param)
    try:
        audio = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProtocolError(INVALID_BASE64, f"Invalid base64 in '{param}': {exc}.", param=param) from None
    if base64.b64encode(audio) != text.encode("ascii"):  # b64decode tolerates surplus padding
        raise ProtocolError(INVALID_BASE64, f"Invalid base64 in '{param}': incorrect padding.", param=param)
    return audio


def encode_base64_audio(audio: bytes) -> str:
    return base64.b64encode(audio).decode("ascii")


def _decode_object(raw: str | bytes) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes | bytearray) else raw
        data = json.loads(text, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(INVALID_JSON, f"The message is not valid JSON: {exc}.") from None
    if not isinstance(data, dict):
        raise ProtocolError(INVALID_EVENT, "An event must be a JSON object with a string 'type'.")
    return data


def _in_beta_terms(error: ProtocolError) -> ProtocolError:
    """The error naming the beta field the client sent rather than its GA path."""
    param = ga_param_to_beta(error.param)
    if param == error.param:
        return error
    message = error.message.replace(f"'{error.param}'", f"'{param}'")
    return ProtocolError(error.code, message, param=param, event_id=error.event_id, type=error.type)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _check_type(data: Mapping[str, Any]) -> None:
    kind = data.get("type")
    if not isinstance(kind, str):
        raise ProtocolError(INVALID_EVENT, "An event must be a JSON object with a string 'type'.", param="type")
    if kind not in CLIENT_EVENT_TYPES:
        raise ProtocolError(UNKNOWN_EVENT_TYPE, f"Unknown event type '{kind}'. Supported client events: "
                                                f"{', '.join(CLIENT_EVENT_TYPES)}.", param="type")
