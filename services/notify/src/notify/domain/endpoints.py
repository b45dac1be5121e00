"""Webhook endpoints and deliveries as the API shows and accepts them."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints

EventTypeName = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^[a-z_]+\.[a-z_]+$")
]
DeliveryStatus = Literal["pending", "delivered", "failed"]


class NewEndpoint(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://hooks.example.com/ticketflow",
                    "event_types": ["ticket.assigned", "sla.breached"],
                    "description": "on-call bridge",
                }
            ]
        },
    )

    url: AnyHttpUrl
    event_types: list[EventTypeName] = Field(default_factory=list, max_length=50)
    description: str = Field(default="", max_length=500)


class Endpoint(BaseModel):
    """An endpoint as listed: the signing secret is never shown again after creation."""

    id: UUID
    url: str
    event_types: list[str]
    description: str
    enabled: bool
    created_at: datetime


class CreatedEndpoint(Endpoint):
    secret: str = Field(description="Signing secret; shown only in this response.")


class Delivery(BaseModel):
    id: UUID
    endpoint_id: UUID
    event_id: UUID
    event_type: str
    subject: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
