"""The base of every protocol model and the one function that turns a model into wire JSON."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, SerializationInfo, SerializerFunctionWrapHandler, model_serializer

_WIRE = {"wire": True}
ALL_FIELDS = "*"


class WireModel(BaseModel):
    """Strict (no coercion), closed (unknown fields are errors) protocol object.

    `omit_if_none` names the optional fields the real service leaves out when they have no value
    (`ALL_FIELDS` for every field); the others are sent as `null`, as the service does.
    """

    model_config = ConfigDict(extra="forbid", strict=True)
    omit_if_none: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _omit_absent(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        if not (isinstance(info.context, dict) and info.context.get("wire")) or not isinstance(data, dict):
            return data
        omit_all = ALL_FIELDS in self.omit_if_none
        return {key: value for key, value in data.items()
                if value is not None or not (omit_all or key in self.omit_if_none)}


def dump(model: BaseModel) -> dict[str, Any]:
    """Exactly the JSON object sent on the wire for `model` (an event, a session, an item…)."""
    return model.model_dump(mode="json", context=_WIRE)
