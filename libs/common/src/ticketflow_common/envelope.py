"""The CloudEvents 1.0 JSON envelope every event on the bus travels in."""

import builtins
from datetime import UTC, datetime
from typing import Annotated, ClassVar, Literal, TypeVar
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field, JsonValue, WithJsonSchema

SCHEMA_BASE = "https://ticketflow.dev/schemas"
DATASCHEMA_JSON_SCHEMA = {
    "type": "string",
    "format": "uri",
    "title": "Dataschema",
    "description": "The URL of the JSON Schema of `data`; absent on events written before #19.",
}


class EventData(BaseModel):
    """Base of every typed event payload; subclasses name their type and topic."""

    model_config = ConfigDict(extra="allow", frozen=True)

    event_type: ClassVar[str]
    topic: ClassVar[str]


DataT = TypeVar("DataT", bound=EventData)


class Envelope(BaseModel):
    """A CloudEvent whose data is still raw JSON; typed by `payload()` once the type is known."""

    model_config = ConfigDict(frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: UUID
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    time: datetime
    subject: str = Field(min_length=1)
    datacontenttype: Literal["application/json"] = "application/json"
    # Absent rather than null when unknown (events written before it): CloudEvents SDKs
    # refuse a null attribute.
    dataschema: Annotated[str | None, WithJsonSchema(DATASCHEMA_JSON_SCHEMA)] = Field(
        default=None, exclude_if=lambda v: v is None
    )
    data: dict[str, JsonValue]

    def payload(self, model: builtins.type[DataT]) -> DataT:
        """Validate `data` against the payload model of this event's type."""
        return model.model_validate(self.data)

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> "Envelope":
        return cls.model_validate_json(raw)


def data_schema_url(data: EventData | builtins.type[EventData]) -> str:
    """Where the JSON Schema of this payload is published (`tools/contracts.py` writes it)."""
    return f"{SCHEMA_BASE}/{data.topic}/{data.event_type}.json"


def new_event(
    data: EventData, *, source: str, subject: str, time: datetime | None = None
) -> Envelope:
    """Wrap a typed payload in a fresh envelope with a unique id."""
    return Envelope(
        id=uuid4(),
        source=source,
        type=data.event_type,
        time=time or datetime.now(UTC),
        subject=subject,
        dataschema=data_schema_url(data),
        data=data.model_dump(mode="json"),
    )
