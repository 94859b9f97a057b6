"""The base of every protocol model and the one function that turns a model into wire JSON."""

from __future__ import annotations

from typing import Any, ClassVar, get_args

from pydantic import BaseModel, ConfigDict, SerializationInfo, SerializerFunctionWrapHandler, model_serializer
from pydantic_core import PydanticUndefined

_WIRE = {"wire": True}
ALL_FIELDS = "*"


class WireModel(BaseModel):
    """Strict (no coercion), closed (unknown fields are errors) protocol object.

    `omit_if_none` names the optional fields the real service leaves out when they have no value
    (`ALL_FIELDS` for every field); the others are sent as `null`, as the service does.
    """

    model_config = ConfigDict(extra="forbid", strict=True)
    omit_if_none: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """A `type: Literal["…"]` of one value is that value by default: an event's type is written once."""
        super().__pydantic_init_subclass__(**kwargs)
        field = cls.model_fields.get("type")
        if field is not None and field.default is PydanticUndefined and len(get_args(field.annotation)) == 1:
            field.default = get_args(field.annotation)[0]
            cls.model_rebuild(force=True)

    @model_serializer(mode="wrap")
    def _omit_absent(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        if not (isinstance(info.context, dict) and info.context.get("wire")) or not isinstance(data, dict):
            return data
        omit_all = ALL_FIELDS in self.omit_if_none
        return {key: value for key, value in data.items()
                if value is not None or not (omit_all or key in self.omit_if_none)}


def event_type(model: type[BaseModel]) -> str:
    """The `type` an event class carries (its one Literal value)."""
    (value,) = get_args(model.model_fields["type"].annotation)
    return value


def dump(model: BaseModel) -> dict[str, Any]:
    """Exactly the JSON object sent on the wire for `model` (an event, a session, an item…)."""
    return model.model_dump(mode="json", context=_WIRE)
