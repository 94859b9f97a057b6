"""The request body of `POST /v1/chat/completions`, as the official SDK sends it.

Parameters Talkline has no use for (temperature, seed, user, metadata, store…) are accepted and
ignored, so clients written for OpenAI work unchanged; ones whose meaning it cannot honour are refused
where the request is planned (see chat_request.py).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

FUNCTION_NAME = r"^[A-Za-z0-9_-]{1,64}$"
OutputAudioFormat = Literal["wav", "mp3", "flac", "opus", "aac", "pcm16"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TextPart(_Lenient):
    type: Literal["text"]
    text: str


class RefusalPart(_Lenient):
    type: Literal["refusal"]
    refusal: str


class InputAudio(_Lenient):
    data: str  # base64 of a whole audio file
    format: str = "wav"  # a hint only: the file's own bytes say what it is


class InputAudioPart(_Lenient):
    type: Literal["input_audio"]
    input_audio: InputAudio


class OtherPart(_Lenient):
    """A part type Talkline does not take (image_url, file…): refused with a clear message."""

    type: str


def _part_kind(part: Any) -> str:
    kind = part.get("type") if isinstance(part, dict) else getattr(part, "type", None)
    return kind if kind in ("text", "input_audio", "refusal") else "other"


UserPart = Annotated[
    Annotated[TextPart, Tag("text")] | Annotated[InputAudioPart, Tag("input_audio")]
    | Annotated[RefusalPart, Tag("refusal")] | Annotated[OtherPart, Tag("other")],
    Discriminator(_part_kind),
]
AssistantPart = Annotated[
    Annotated[TextPart, Tag("text")] | Annotated[RefusalPart, Tag("refusal")] | Annotated[OtherPart, Tag("other")],
    Discriminator(_part_kind),
]


class SystemMessage(_Lenient):
    role: Literal["system", "developer"]
    content: str | list[TextPart]


class UserMessage(_Lenient):
    role: Literal["user"]
    content: str | list[UserPart]


class FunctionCall(_Lenient):
    name: str
    arguments: str


class AssistantToolCall(_Lenient):
    id: str
    type: Literal["function"] = "function"
    function: FunctionCall


class AudioReference(_Lenient):
    id: str


class AssistantMessage(_Lenient):
    role: Literal["assistant"]
    content: str | list[AssistantPart] | None = None
    audio: AudioReference | None = None
    tool_calls: list[AssistantToolCall] | None = None
    refusal: str | None = None


class ToolMessage(_Lenient):
    role: Literal["tool"]
    tool_call_id: str
    content: str | list[TextPart]


Message = Annotated[SystemMessage | UserMessage | AssistantMessage | ToolMessage, Field(discriminator="role")]


class FunctionDefinition(_Lenient):
    name: Annotated[str, Field(pattern=FUNCTION_NAME)]
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})


class FunctionTool(_Lenient):
    type: Literal["function"]
    function: FunctionDefinition


class NamedFunction(_Lenient):
    name: str


class NamedToolChoice(_Lenient):
    type: Literal["function"]
    function: NamedFunction


class VoiceId(_Strict):
    id: Annotated[str, Field(min_length=1)]


class AudioOutput(_Lenient):
    voice: str | VoiceId
    format: OutputAudioFormat

    @property
    def voice_name(self) -> str:
        return self.voice if isinstance(self.voice, str) else self.voice.id


class StreamOptions(_Lenient):
    include_usage: bool = False


class ResponseFormat(_Lenient):
    type: str


class ChatCompletionRequest(_Lenient):
    model: Annotated[str, Field(min_length=1)]
    messages: Annotated[list[Message], Field(min_length=1)]
    modalities: list[Literal["text", "audio"]] | None = None
    audio: AudioOutput | None = None
    tools: list[FunctionTool] | None = None
    tool_choice: Literal["auto", "none", "required"] | NamedToolChoice | None = None
    stream: bool | None = False
    stream_options: StreamOptions | None = None
    max_completion_tokens: Annotated[int, Field(ge=1)] | None = None
    max_tokens: Annotated[int, Field(ge=1)] | None = None
    n: Annotated[int, Field(ge=1)] | None = None
    response_format: ResponseFormat | None = None

    @property
    def wants_audio(self) -> bool:
        return "audio" in (self.modalities or ())

    @property
    def max_output_tokens(self) -> int | None:
        return self.max_completion_tokens or self.max_tokens

    @property
    def include_usage(self) -> bool:
        return self.stream_options is not None and self.stream_options.include_usage
