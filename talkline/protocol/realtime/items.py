"""Conversation items (§1.7) with GA content part names."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from talkline.protocol.realtime.ids import new_id
from talkline.protocol.realtime.wire import WireModel

ItemStatus = Literal["completed", "incomplete", "in_progress"]


class InputText(WireModel):
    type: Literal["input_text"] = "input_text"
    text: str


class InputAudio(WireModel):
    """User audio; `audio` (base64) appears only where the service sends it (retrieve), `transcript`
    is null until transcription fills it."""

    omit_if_none = frozenset({"audio"})

    type: Literal["input_audio"] = "input_audio"
    audio: str | None = None
    transcript: str | None = None


class InputImage(WireModel):
    omit_if_none = frozenset({"detail"})

    type: Literal["input_image"] = "input_image"
    image_url: Annotated[str, Field(min_length=1)]  # a data URL, e.g. data:image/png;base64,…
    detail: Literal["auto", "low", "high"] | None = None


class OutputText(WireModel):
    type: Literal["output_text"] = "output_text"
    text: str


class OutputAudio(WireModel):
    omit_if_none = frozenset({"audio"})

    type: Literal["output_audio"] = "output_audio"
    audio: str | None = None
    transcript: str | None = None


UserContent = Annotated[InputText | InputAudio | InputImage, Field(discriminator="type")]
AssistantContent = Annotated[OutputText | OutputAudio, Field(discriminator="type")]


class _Item(WireModel):
    id: str = Field(default_factory=lambda: new_id("item"))
    object: Literal["realtime.item"] = "realtime.item"
    status: ItemStatus = "completed"


class SystemMessage(_Item):
    type: Literal["message"] = "message"
    role: Literal["system"] = "system"
    content: list[InputText]


class UserMessage(_Item):
    type: Literal["message"] = "message"
    role: Literal["user"] = "user"
    content: list[UserContent]


class AssistantMessage(_Item):
    type: Literal["message"] = "message"
    role: Literal["assistant"] = "assistant"
    content: list[AssistantContent]


class FunctionCall(_Item):
    type: Literal["function_call"] = "function_call"
    call_id: str = Field(default_factory=lambda: new_id("call"))
    name: str
    arguments: str = ""  # JSON text; empty while the call is still streaming


class FunctionCallOutput(_Item):
    type: Literal["function_call_output"] = "function_call_output"
    call_id: str
    output: str  # usually JSON text


def _item_kind(value: Any) -> str | None:
    """Messages are told apart by role, other items by type."""
    get = value.get if isinstance(value, dict) else lambda key: getattr(value, key, None)
    kind = get("type")
    return f"message.{get('role')}" if kind == "message" else kind


_ITEM_KINDS = "a message (role system, user or assistant), function_call or function_call_output"

ConversationItem = Annotated[
    Annotated[SystemMessage, Tag("message.system")]
    | Annotated[UserMessage, Tag("message.user")]
    | Annotated[AssistantMessage, Tag("message.assistant")]
    | Annotated[FunctionCall, Tag("function_call")]
    | Annotated[FunctionCallOutput, Tag("function_call_output")],
    Discriminator(_item_kind, custom_error_type="invalid_item_type",
                  custom_error_message=f"item must be {_ITEM_KINDS}"),
]


class ItemReference(WireModel):
    """Points at an existing conversation item (in `response.create` input)."""

    type: Literal["item_reference"] = "item_reference"
    id: str


# what `response.create` accepts as explicit input: new items or references to existing ones
InputItem = Annotated[
    Annotated[SystemMessage, Tag("message.system")]
    | Annotated[UserMessage, Tag("message.user")]
    | Annotated[AssistantMessage, Tag("message.assistant")]
    | Annotated[FunctionCall, Tag("function_call")]
    | Annotated[FunctionCallOutput, Tag("function_call_output")]
    | Annotated[ItemReference, Tag("item_reference")],
    Discriminator(_item_kind, custom_error_type="invalid_item_type",
                  custom_error_message=f"input item must be {_ITEM_KINDS} or item_reference"),
]
