"""The GA session object (§1.4) and `session.update` merge semantics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, ValidationError

from talkline.protocol.realtime.errors import INVALID_VALUE, ProtocolError, from_validation_error
from talkline.protocol.realtime.formats import AudioFormat, PcmFormat
from talkline.protocol.realtime.ids import new_id
from talkline.protocol.realtime.wire import WireModel

# fields the server owns: a client may echo them back in session.update, but they never change
SERVER_OWNED_FIELDS = ("id", "object", "expires_at", "model")

Milliseconds = Annotated[int, Field(ge=0)]


def _single_modality(value: list[str]) -> list[str]:
    if value not in (["audio"], ["text"]):
        raise ValueError("output_modalities must be exactly [\"audio\"] or [\"text\"]")
    return value


def _unique_tool_names(tools: list[FunctionTool]) -> list[FunctionTool]:
    names = [tool.name for tool in tools]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"duplicate tool names: {', '.join(duplicates)}")
    return tools


OutputModalities = Annotated[list[Literal["audio", "text"]], AfterValidator(_single_modality)]
MaxOutputTokens = Annotated[int, Field(ge=1, le=4096)] | Literal["inf"]
Speed = Annotated[float, Field(ge=0.25, le=1.5)]


class VoiceId(WireModel):
    """A custom voice referenced by id."""

    id: Annotated[str, Field(min_length=1)]


Voice = Annotated[str, Field(min_length=1)] | VoiceId


class FunctionTool(WireModel):
    """A tool the model may call; flat, not nested under `function` as in Chat Completions."""

    type: Literal["function"] = "function"
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})


Tools = Annotated[list[FunctionTool], AfterValidator(_unique_tool_names)]


class ToolChoiceFunction(WireModel):
    type: Literal["function"] = "function"
    name: Annotated[str, Field(min_length=1)]


ToolChoice = Literal["auto", "none", "required"] | ToolChoiceFunction


class InputTranscription(WireModel):
    """Transcription of the user's audio (`audio.input.transcription`)."""

    omit_if_none = frozenset({"languages", "keywords", "delay"})

    model: str | None = None
    language: str | None = None
    prompt: str | None = None
    languages: list[str] | None = None
    keywords: list[str] | None = None
    delay: Literal["minimal", "low", "medium", "high", "xhigh"] | None = None


class NoiseReduction(WireModel):
    omit_if_none = frozenset({"strength"})

    type: Literal["near_field", "far_field"]
    strength: float | None = None


class ServerVad(WireModel):
    """Silence-based turn detection.

    `interrupt_min_speech_ms` is a Talkline extension: speech shorter than this while a response
    plays is a backchannel ("mm-hm", "네"), not a barge-in.
    """

    omit_if_none = frozenset({"interrupt_min_speech_ms"})

    type: Literal["server_vad"] = "server_vad"
    threshold: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5
    prefix_padding_ms: Milliseconds = 300
    silence_duration_ms: Milliseconds = 500
    idle_timeout_ms: Milliseconds | None = None
    create_response: bool = True
    interrupt_response: bool = True
    interrupt_min_speech_ms: Milliseconds | None = None


class SemanticVad(WireModel):
    """Turn detection that judges whether the user has finished their thought."""

    type: Literal["semantic_vad"] = "semantic_vad"
    eagerness: Literal["low", "medium", "high", "auto"] = "auto"
    create_response: bool = True
    interrupt_response: bool = True


TurnDetection = Annotated[ServerVad | SemanticVad, Field(discriminator="type")]


class AudioInput(WireModel):
    format: AudioFormat = Field(default_factory=PcmFormat)
    transcription: InputTranscription | None = None
    noise_reduction: NoiseReduction | None = None
    turn_detection: TurnDetection | None = Field(default_factory=ServerVad)  # null: manual commits


class AudioOutput(WireModel):
    format: AudioFormat = Field(default_factory=PcmFormat)
    voice: Voice = "alloy"
    speed: Speed = 1.0


class AudioConfig(WireModel):
    input: AudioInput = Field(default_factory=AudioInput)
    output: AudioOutput = Field(default_factory=AudioOutput)


class Session(WireModel):
    """The GA session: sent in session.created/updated and client secrets, patched by session.update.

    `tracing`, `truncation`, `prompt`, `reasoning` and `parallel_tool_calls` are accepted and echoed
    but do not change what Talkline does.
    """

    omit_if_none = frozenset({"reasoning", "parallel_tool_calls"})

    type: Literal["realtime", "transcription"]
    object: Literal["realtime.session"] = "realtime.session"
    id: str = Field(default_factory=lambda: new_id("sess"))
    model: str | None = None
    output_modalities: OutputModalities = Field(default_factory=lambda: ["audio"])
    instructions: str = ""
    audio: AudioConfig = Field(default_factory=AudioConfig)
    tools: Tools = Field(default_factory=list)
    tool_choice: ToolChoice = "auto"
    max_output_tokens: MaxOutputTokens = "inf"
    include: list[Literal["item.input_audio_transcription.logprobs"]] | None = None
    tracing: Literal["auto"] | dict[str, Any] | None = None
    truncation: Literal["auto", "disabled"] | dict[str, Any] = "auto"
    prompt: dict[str, Any] | None = None
    reasoning: dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None
    expires_at: int | None = None


def merge_session(current: Session, update: Mapping[str, Any]) -> Session:
    """Apply a partial `session.update` to `current` and validate the result.

    Keys present replace, nested objects merge (unless their `type` changes), an explicit null
    sets null (allowed only where the field is nullable, e.g. `turn_detection`), absent keys keep
    their value. Server-owned fields are kept. Raises ProtocolError with `param` = "session.<path>".
    """
    if not isinstance(update, Mapping):
        raise ProtocolError(INVALID_VALUE, "Invalid value for 'session': expected an object.", param="session")
    new_type = update.get("type", current.type)
    if new_type != current.type and new_type in ("realtime", "transcription"):
        raise ProtocolError(INVALID_VALUE, f"Cannot change the session type from '{current.type}' to "
                                           f"'{new_type}'.", param="session.type")
    merged = _merge_into(current, update)
    merged.update({key: getattr(current, key) for key in SERVER_OWNED_FIELDS})
    try:
        return Session.model_validate(merged)
    except ValidationError as exc:
        raise from_validation_error(exc, merged, prefix="session") from None


def _merge_into(model: BaseModel, patch: Mapping[str, Any]) -> dict[str, Any]:
    merged = model.model_dump(mode="json")
    for key, value in patch.items():
        current = getattr(model, key) if key in type(model).model_fields else None
        if isinstance(current, BaseModel) and isinstance(value, Mapping) and _same_kind(current, value):
            merged[key] = _merge_into(current, value)
        else:
            merged[key] = value
    return merged


def _same_kind(model: BaseModel, patch: Mapping[str, Any]) -> bool:
    """A patch that names a different `type` (e.g. semantic_vad over server_vad) replaces, not merges."""
    kind = getattr(model, "type", None)
    return patch.get("type", kind) == kind
