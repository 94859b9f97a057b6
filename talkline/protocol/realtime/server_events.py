"""Server → client events (§1.6, GA names), the response object (§1.8) and usage."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from talkline.protocol.realtime.errors import ErrorEvent  # the error event lives with ProtocolError
from talkline.protocol.realtime.formats import AudioFormat, PcmFormat
from talkline.protocol.realtime.ids import new_id
from talkline.protocol.realtime.items import ConversationItem
from talkline.protocol.realtime.session import MaxOutputTokens, Session, Voice
from talkline.protocol.realtime.wire import WireModel

ResponseStatus = Literal["in_progress", "completed", "cancelled", "incomplete", "failed"]


class ServerEventBase(WireModel):
    event_id: str = Field(default_factory=lambda: new_id("event"))


# ── usage and the response object ───────────────────────────────────────────────────────────────

class CachedTokensDetails(WireModel):
    text_tokens: int = 0
    audio_tokens: int = 0
    image_tokens: int = 0


class InputTokenDetails(WireModel):
    text_tokens: int = 0
    audio_tokens: int = 0
    image_tokens: int = 0
    cached_tokens: int = 0
    cached_tokens_details: CachedTokensDetails = Field(default_factory=CachedTokensDetails)


class OutputTokenDetails(WireModel):
    text_tokens: int = 0
    audio_tokens: int = 0


class Usage(WireModel):
    total_tokens: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    input_token_details: InputTokenDetails = Field(default_factory=InputTokenDetails)
    output_token_details: OutputTokenDetails = Field(default_factory=OutputTokenDetails)


class StatusError(WireModel):
    type: str
    code: str | None = None
    message: str | None = None


class StatusDetails(WireModel):
    """Why a response ended other than `completed`."""

    omit_if_none = frozenset({"error"})

    type: Literal["completed", "cancelled", "incomplete", "failed"]
    reason: Literal["turn_detected", "client_cancelled", "max_output_tokens", "content_filter"] | None = None
    error: StatusError | None = None


class ResponseAudioOutput(WireModel):
    format: AudioFormat = Field(default_factory=PcmFormat)
    voice: Voice = "alloy"


class ResponseAudio(WireModel):
    output: ResponseAudioOutput = Field(default_factory=ResponseAudioOutput)


class RealtimeResponse(WireModel):
    """The response object of response.created / response.done (usage is null until done).

    `timings` is Talkline's extension: milliseconds from the end of the user's speech to each stage
    (committed, stt_done, first_token, first_audio, done); clients that do not know it ignore it.
    """

    omit_if_none = frozenset({"timings"})

    object: Literal["realtime.response"] = "realtime.response"
    id: str = Field(default_factory=lambda: new_id("resp"))
    status: ResponseStatus = "in_progress"
    status_details: StatusDetails | None = None
    output: list[ConversationItem] = Field(default_factory=list)
    conversation_id: str | None = None  # null for out-of-band responses (conversation "none")
    output_modalities: list[Literal["audio", "text"]] = Field(default_factory=lambda: ["audio"])
    max_output_tokens: MaxOutputTokens = "inf"
    audio: ResponseAudio = Field(default_factory=ResponseAudio)
    usage: Usage | None = None
    metadata: dict[str, str] | None = None
    timings: dict[str, float] | None = None


class ResponseAudioPart(WireModel):
    """A content part as named in content_part events (items themselves say `output_audio`)."""

    omit_if_none = frozenset({"audio"})

    type: Literal["audio"]
    transcript: str = ""
    audio: str | None = None


class ResponseTextPart(WireModel):
    type: Literal["text"]
    text: str = ""


ResponsePart = Annotated[ResponseAudioPart | ResponseTextPart, Field(discriminator="type")]


# ── session and conversation ────────────────────────────────────────────────────────────────────

class SessionCreatedEvent(ServerEventBase):
    type: Literal["session.created"]
    session: Session


class SessionUpdatedEvent(ServerEventBase):
    type: Literal["session.updated"]
    session: Session


class Conversation(WireModel):
    id: str = Field(default_factory=lambda: new_id("conv"))
    object: Literal["realtime.conversation"] = "realtime.conversation"


class ConversationCreatedEvent(ServerEventBase):
    type: Literal["conversation.created"]
    conversation: Conversation = Field(default_factory=Conversation)


class ConversationItemAddedEvent(ServerEventBase):
    type: Literal["conversation.item.added"]
    previous_item_id: str | None = None
    item: ConversationItem


class ConversationItemDoneEvent(ServerEventBase):
    type: Literal["conversation.item.done"]
    previous_item_id: str | None = None
    item: ConversationItem


class ConversationItemCreatedEvent(ServerEventBase):
    """Kept in the GA types; the GA service sends added/done, beta clients get this (see beta.py)."""

    type: Literal["conversation.item.created"]
    previous_item_id: str | None = None
    item: ConversationItem


class ConversationItemRetrievedEvent(ServerEventBase):
    type: Literal["conversation.item.retrieved"]
    item: ConversationItem


class ConversationItemDeletedEvent(ServerEventBase):
    type: Literal["conversation.item.deleted"]
    item_id: str


class ConversationItemTruncatedEvent(ServerEventBase):
    type: Literal["conversation.item.truncated"]
    item_id: str
    content_index: int
    audio_end_ms: int


# ── input transcription ─────────────────────────────────────────────────────────────────────────

class LogProb(WireModel):
    token: str
    logprob: float
    bytes: list[int]


class TranscriptionTokenDetails(WireModel):
    text_tokens: int = 0
    audio_tokens: int = 0


class TranscriptionTokenUsage(WireModel):
    omit_if_none = frozenset({"input_token_details"})

    type: Literal["tokens"]
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    input_token_details: TranscriptionTokenDetails | None = None


class TranscriptionDurationUsage(WireModel):
    type: Literal["duration"]
    seconds: float


TranscriptionUsage = Annotated[TranscriptionTokenUsage | TranscriptionDurationUsage, Field(discriminator="type")]


class InputAudioTranscriptionDeltaEvent(ServerEventBase):
    omit_if_none = frozenset({"logprobs"})

    type: Literal["conversation.item.input_audio_transcription.delta"]
    item_id: str
    content_index: int = 0
    delta: str
    logprobs: list[LogProb] | None = None


class InputAudioTranscriptionCompletedEvent(ServerEventBase):
    omit_if_none = frozenset({"logprobs"})

    type: Literal["conversation.item.input_audio_transcription.completed"]
    item_id: str
    content_index: int = 0
    transcript: str
    usage: TranscriptionUsage
    logprobs: list[LogProb] | None = None


class TranscriptionError(WireModel):
    type: str
    code: str | None = None
    message: str
    param: str | None = None


class InputAudioTranscriptionFailedEvent(ServerEventBase):
    type: Literal["conversation.item.input_audio_transcription.failed"]
    item_id: str
    content_index: int = 0
    error: TranscriptionError


class InputAudioTranscriptionSegmentEvent(ServerEventBase):
    """Diarized transcription segment (GA only)."""

    type: Literal["conversation.item.input_audio_transcription.segment"]
    id: str
    item_id: str
    content_index: int = 0
    text: str
    speaker: str
    start: float
    end: float


# ── input audio buffer ──────────────────────────────────────────────────────────────────────────

class InputAudioBufferSpeechStartedEvent(ServerEventBase):
    type: Literal["input_audio_buffer.speech_started"]
    audio_start_ms: int
    item_id: str  # the id the user item will get


class InputAudioBufferSpeechStoppedEvent(ServerEventBase):
    type: Literal["input_audio_buffer.speech_stopped"]
    audio_end_ms: int
    item_id: str


class InputAudioBufferCommittedEvent(ServerEventBase):
    type: Literal["input_audio_buffer.committed"]
    previous_item_id: str | None = None
    item_id: str


class InputAudioBufferClearedEvent(ServerEventBase):
    type: Literal["input_audio_buffer.cleared"]


class InputAudioBufferTimeoutTriggeredEvent(ServerEventBase):
    """The user stayed silent for `idle_timeout_ms` (GA only)."""

    type: Literal["input_audio_buffer.timeout_triggered"]
    audio_start_ms: int
    audio_end_ms: int
    item_id: str


# ── responses ───────────────────────────────────────────────────────────────────────────────────

class ResponseCreatedEvent(ServerEventBase):
    type: Literal["response.created"]
    response: RealtimeResponse


class ResponseDoneEvent(ServerEventBase):
    """Always sent when a response ends, also when cancelled or failed."""

    type: Literal["response.done"]
    response: RealtimeResponse


class ResponseOutputItemAddedEvent(ServerEventBase):
    type: Literal["response.output_item.added"]
    response_id: str
    output_index: int
    item: ConversationItem


class ResponseOutputItemDoneEvent(ServerEventBase):
    type: Literal["response.output_item.done"]
    response_id: str
    output_index: int
    item: ConversationItem


class _ContentEvent(ServerEventBase):
    response_id: str
    item_id: str
    output_index: int
    content_index: int = 0


class ResponseContentPartAddedEvent(_ContentEvent):
    type: Literal["response.content_part.added"]
    part: ResponsePart


class ResponseContentPartDoneEvent(_ContentEvent):
    type: Literal["response.content_part.done"]
    part: ResponsePart


class ResponseOutputAudioDeltaEvent(_ContentEvent):
    type: Literal["response.output_audio.delta"]
    delta: str  # base64 audio in the session's output format


class ResponseOutputAudioDoneEvent(_ContentEvent):
    type: Literal["response.output_audio.done"]


class ResponseOutputAudioTranscriptDeltaEvent(_ContentEvent):
    type: Literal["response.output_audio_transcript.delta"]
    delta: str


class ResponseOutputAudioTranscriptDoneEvent(_ContentEvent):
    type: Literal["response.output_audio_transcript.done"]
    transcript: str


class ResponseOutputTextDeltaEvent(_ContentEvent):
    type: Literal["response.output_text.delta"]
    delta: str


class ResponseOutputTextDoneEvent(_ContentEvent):
    type: Literal["response.output_text.done"]
    text: str


class ResponseFunctionCallArgumentsDeltaEvent(ServerEventBase):
    type: Literal["response.function_call_arguments.delta"]
    response_id: str
    item_id: str
    output_index: int
    call_id: str
    delta: str  # a fragment of the JSON arguments


class ResponseFunctionCallArgumentsDoneEvent(ServerEventBase):
    type: Literal["response.function_call_arguments.done"]
    response_id: str
    item_id: str
    output_index: int
    call_id: str
    name: str
    arguments: str


# ── output audio buffer (WebRTC/SIP playout; a WebSocket server only acknowledges clear) ────────

class OutputAudioBufferStartedEvent(ServerEventBase):
    type: Literal["output_audio_buffer.started"]
    response_id: str


class OutputAudioBufferStoppedEvent(ServerEventBase):
    type: Literal["output_audio_buffer.stopped"]
    response_id: str


class OutputAudioBufferClearedEvent(ServerEventBase):
    type: Literal["output_audio_buffer.cleared"]
    response_id: str


# ── limits ──────────────────────────────────────────────────────────────────────────────────────

class RateLimit(WireModel):
    name: Literal["requests", "tokens"]
    limit: int
    remaining: int
    reset_seconds: float


class RateLimitsUpdatedEvent(ServerEventBase):
    type: Literal["rate_limits.updated"]
    rate_limits: list[RateLimit]


ServerEvent = Annotated[
    SessionCreatedEvent
    | SessionUpdatedEvent
    | ConversationCreatedEvent
    | ConversationItemAddedEvent
    | ConversationItemDoneEvent
    | ConversationItemCreatedEvent
    | ConversationItemRetrievedEvent
    | ConversationItemDeletedEvent
    | ConversationItemTruncatedEvent
    | InputAudioTranscriptionDeltaEvent
    | InputAudioTranscriptionCompletedEvent
    | InputAudioTranscriptionFailedEvent
    | InputAudioTranscriptionSegmentEvent
    | InputAudioBufferSpeechStartedEvent
    | InputAudioBufferSpeechStoppedEvent
    | InputAudioBufferCommittedEvent
    | InputAudioBufferClearedEvent
    | InputAudioBufferTimeoutTriggeredEvent
    | ResponseCreatedEvent
    | ResponseDoneEvent
    | ResponseOutputItemAddedEvent
    | ResponseOutputItemDoneEvent
    | ResponseContentPartAddedEvent
    | ResponseContentPartDoneEvent
    | ResponseOutputAudioDeltaEvent
    | ResponseOutputAudioDoneEvent
    | ResponseOutputAudioTranscriptDeltaEvent
    | ResponseOutputAudioTranscriptDoneEvent
    | ResponseOutputTextDeltaEvent
    | ResponseOutputTextDoneEvent
    | ResponseFunctionCallArgumentsDeltaEvent
    | ResponseFunctionCallArgumentsDoneEvent
    | OutputAudioBufferStartedEvent
    | OutputAudioBufferStoppedEvent
    | OutputAudioBufferClearedEvent
    | RateLimitsUpdatedEvent
    | ErrorEvent,
    Field(discriminator="type"),
]
