"""The multipart form of `POST /v1/audio/transcriptions`, validated.

Arrays come as repeated `name[]` fields (the SDK) or repeated plain `name` fields (curl users);
objects as bracket keys (`chunking_strategy[type]=server_vad`) or a plain string (`auto`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import FormData, UploadFile

from talkline.http_errors import ApiError

ResponseFormat = Literal["json", "text", "srt", "vtt", "verbose_json"]
ARRAY_FIELDS = frozenset({"timestamp_granularities", "include", "known_speaker_names", "known_speaker_references",
                          "languages", "keywords"})
_BRACKETED = re.compile(r"^(\w+)\[(\w*)\]$")


class ServerVadChunking(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["server_vad"]
    prefix_padding_ms: int | None = None
    silence_duration_ms: int | None = None
    threshold: float | None = None


class TranscriptionParams(BaseModel):
    """Every field Talkline reads; the rest of OpenAI's fields are accepted and have no effect here
    (Whisper finds speech with its own VAD, so `chunking_strategy` is only validated)."""

    model_config = ConfigDict(extra="ignore")

    model: Annotated[str, Field(min_length=1)]
    language: Annotated[str, Field(min_length=2, max_length=16)] | None = None
    prompt: str | None = None
    response_format: ResponseFormat = "json"
    temperature: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    stream: bool = False
    timestamp_granularities: list[Literal["word", "segment"]] = Field(default_factory=list)
    include: list[Literal["logprobs"]] = Field(default_factory=list)
    chunking_strategy: Literal["auto"] | ServerVadChunking | None = None

    @property
    def word_timestamps(self) -> bool:
        return "word" in self.timestamp_granularities

    @property
    def segment_timestamps(self) -> bool:
        return not self.timestamp_granularities or "segment" in self.timestamp_granularities


def form_fields(form: FormData) -> dict[str, Any]:
    """The form's text fields as a JSON-like dict (files are left out)."""
    fields: dict[str, Any] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            continue
        bracketed = _BRACKETED.match(key)
        if bracketed and bracketed.group(2):
            _object(fields, bracketed.group(1))[bracketed.group(2)] = value
        elif bracketed or key in ARRAY_FIELDS:
            _array(fields, bracketed.group(1) if bracketed else key).append(value)
        else:
            fields[key] = value
    return fields


def _object(fields: dict[str, Any], name: str) -> dict[str, Any]:
    value = fields.setdefault(name, {})
    if not isinstance(value, dict):
        raise ApiError(400, f"'{name}' is given both as a value and as an object", code="invalid_value", param=name)
    return value


def _array(fields: dict[str, Any], name: str) -> list[Any]:
    value = fields.setdefault(name, [])
    if not isinstance(value, list):
        raise ApiError(400, f"'{name}' is given both as a value and as a list", code="invalid_value", param=name)
    return value


def transcription_params(form: FormData) -> TranscriptionParams:
    try:
        params = TranscriptionParams.model_validate(form_fields(form))
    except ValidationError as exc:
        error = exc.errors()[0]
        param = ".".join(str(part) for part in error["loc"]) or None
        code = "missing_required_parameter" if error["type"] == "missing" else "invalid_value"
        raise ApiError(400, f"Invalid value for '{param}': {error['msg']}", code=code, param=param) from None
    if params.timestamp_granularities and params.response_format != "verbose_json":
        raise ApiError(400, "timestamp_granularities needs response_format 'verbose_json'",
                       code="invalid_value", param="timestamp_granularities")
    if params.stream and params.response_format not in ("json", "text"):
        raise ApiError(400, f"stream=true sends transcript events; response_format '{params.response_format}' "
                       "cannot be streamed", code="invalid_value", param="stream")
    return params


def upload(form: FormData) -> UploadFile:
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise ApiError(400, "the audio file is missing: send it as the multipart field 'file'",
                       code="missing_required_parameter", param="file")
    return file
