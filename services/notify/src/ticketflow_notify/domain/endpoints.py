"""Webhook and chat endpoints as the API shows and accepts them."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints, UrlConstraints

from ticketflow_common.input_model import InputModel
from ticketflow_notify.domain.signing import Signing
from ticketflow_notify.domain.ticket_filters import TicketFilter
from ticketflow_notify.domain.url_credentials import MaskedUrl

EventTypeName = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^[a-z_]+\.[a-z_]+$")
]
EventTypePattern = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100, pattern=r"^(\*|[a-z_]+\.(\*|[a-z_]+))$"),
]
"""An event type (`sla.breached`), every type of one family (`sla.*`) or every type (`*`)."""
EmailAddress = Annotated[
    str,
    StringConstraints(
        min_length=3, max_length=254, strip_whitespace=True, pattern=r"^[^@\s,;<>]+@[^@\s,;<>]+$"
    ),
]
EndpointKind = Literal["webhook", "chat"]
Ordering = Literal["none", "per_ticket"]
WebhookUrl = Annotated[AnyHttpUrl, UrlConstraints(max_length=2048)]
MAX_ROTATION_OVERLAP_SECONDS = 7 * 24 * 3600


class NewEndpoint(TicketFilter):
    """An endpoint; the ticket filters (and `event_types`) are its own subscription's."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "url": "https://hooks.example.com/ticketflow",
                    "event_types": ["ticket.assigned", "sla.breached"],
                    "description": "on-call bridge",
                    "owner_email": "integrations@example.com",
                }
            ]
        },
    )

    url: WebhookUrl
    kind: EndpointKind = Field(
        default="webhook",
        description="webhook: signed CloudEvents; chat: Slack-compatible `{text}` messages.",
    )
    event_types: list[EventTypePattern] = Field(
        default_factory=list,
        max_length=50,
        description="A subscription with these types (or patterns: `sla.*`, `*`) is created"
        " with the endpoint (empty: all); set `subscribe` to false to route to it only through"
        " subscriptions (which also filter on category, tags, tier and requester).",
    )
    subscribe: bool = True
    description: str = Field(default="", max_length=500)
    owner_email: EmailAddress | None = Field(
        default=None, description="Told by email when the endpoint is disabled for failing."
    )
    max_concurrency: int = Field(default=16, ge=1, le=200)
    ordering: Ordering = Field(
        default="none",
        description="per_ticket: one ticket's deliveries are sent one at a time, in event order"
        " (a later one waits while an earlier one is pending or retried); none: up to"
        " max_concurrency in flight in any order.",
    )
    signing: Signing = Field(
        default="hmac-sha256",
        description="hmac-sha256: a shared whsec_ secret (Standard Webhooks v1, and the"
        " deprecated Ticketflow-Signature); ed25519: notify keeps the private key and the"
        " receiver verifies v1a signatures with the whpk_ public key.",
    )


class EndpointChanges(InputModel):
    """A partial update; fields left out stay as they are."""

    url: WebhookUrl | None = None
    description: str | None = Field(default=None, max_length=500)
    owner_email: EmailAddress | None = None
    max_concurrency: int | None = Field(default=None, ge=1, le=200)
    ordering: Ordering | None = None
    enabled: bool | None = Field(
        default=None, description="true re-enables a disabled endpoint and closes its circuit."
    )


class Endpoint(BaseModel):
    """An endpoint as listed: signing secrets are never shown again after creation/rotation."""

    id: UUID
    url: MaskedUrl
    kind: EndpointKind
    event_types: list[str]
    description: str
    owner_email: str | None
    max_concurrency: int
    ordering: Ordering
    signing: Signing
    enabled: bool
    consecutive_failures: int
    failing_since: datetime | None
    circuit_open_until: datetime | None
    disabled_at: datetime | None
    disabled_reason: str | None
    created_at: datetime


class CreatedEndpoint(Endpoint):
    secret: str | None = Field(
        description="The whsec_ signing secret of an hmac-sha256 endpoint; shown only in this"
        " response. null for ed25519."
    )
    public_key: str | None = Field(
        default=None, description="The whpk_ public key of an ed25519 endpoint; null for hmac."
    )


class SendTestEvent(InputModel):
    """What the test event says; its type is always `ticketflow.test`."""

    message: str = Field(default="Ticketflow test event", min_length=1, max_length=500)


class SentTestEvent(BaseModel):
    delivery_id: UUID
    event_id: UUID
    event_type: str


class SecretRotation(InputModel):
    overlap_seconds: int = Field(
        default=24 * 3600,
        ge=0,
        le=MAX_ROTATION_OVERLAP_SECONDS,
        description="How long the current secrets keep signing next to the new one.",
    )


class RotatedSecret(BaseModel):
    endpoint_id: UUID
    secret: str | None = Field(
        description="The new whsec_ signing secret (hmac-sha256); shown only in this response."
    )
    public_key: str | None = Field(
        default=None, description="The new whpk_ public key (ed25519 endpoints)."
    )
    previous_secrets_expire_at: datetime
