"""Deliveries: where they go, what they tell, and the delivery log's view of them."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

from ticketflow_common import topics
from ticketflow_common.envelope import Envelope
from ticketflow_common.input_model import InputModel
from ticketflow_notify.domain.templates import RenderedMessage

FORWARDED_TOPICS = frozenset(topics.CONSUMED_BY["notify"]) - {topics.IDENTITY}
"""The topics whose events subscriptions can route; identity's are not forwarded: notify
projects their revocations as every service."""
DeliveryStatus = Literal["pending", "delivered", "failed"]
Channel = Literal["webhook", "chat", "email"]


@dataclass(frozen=True)
class Destination:
    """Where a delivery goes: an endpoint (webhook, chat) or an email address."""

    channel: Channel
    target: str
    endpoint_id: UUID | None


@dataclass(frozen=True)
class ToldEvent:
    """The event a delivery tells about, as the delivery log keeps it. One notify consumed
    also keeps the topic it came from (its dead letters go to that topic's DLQ) and the
    trace it came in."""

    id: UUID
    type: str
    subject: str
    time: datetime
    envelope: dict[str, Any]
    source_topic: str | None = None
    trace_carrier: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        envelope: Envelope,
        *,
        source_topic: str | None = None,
        trace_carrier: dict[str, str] | None = None,
    ) -> "ToldEvent":
        return cls(
            id=envelope.id,
            type=envelope.type,
            subject=envelope.subject,
            time=envelope.time,
            envelope=envelope.model_dump(mode="json"),
            source_topic=source_topic,
            trace_carrier=trace_carrier or {},
        )


@dataclass(frozen=True)
class NewDelivery:
    """A delivery to create: to whom, which event, the message rendered for it (a webhook
    gets the event itself), and until when the recipient's quiet hours hold it back."""

    to: Destination
    told: ToldEvent
    message: RenderedMessage | None
    hold: datetime | None = None

    def first_attempt_at(self, now: datetime) -> datetime:
        """Due now, or when the hold ends."""
        return self.hold or now


class Delivery(BaseModel):
    id: UUID
    channel: Channel
    target: str = Field(description="`endpoint:<id>` or `email:<address>`.")
    endpoint_id: UUID | None
    event_id: UUID
    event_type: str
    subject: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    held_until: datetime | None = Field(description="Held back by the recipient's quiet hours.")
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class DeliveryAttempt(BaseModel):
    attempt: int
    started_at: datetime
    status_code: int | None
    latency_ms: float
    error: str | None


class DeliveryDetail(Delivery):
    attempt_log: list[DeliveryAttempt]


class ReplayRange(InputModel):
    """Failed deliveries of one endpoint created in [since, until) are sent again."""

    since: datetime
    until: datetime

    @model_validator(mode="after")
    def _ordered(self) -> "ReplayRange":
        if self.until <= self.since:
            raise ValueError("until must be after since")
        return self


class Replayed(BaseModel):
    replayed: int


@dataclass(frozen=True)
class DeliveryFilter:
    """What the delivery log is filtered by; every field left as None matches everything."""

    subject: str | None = None
    status: DeliveryStatus | None = None
    endpoint_id: UUID | None = None
    event_type: str | None = None
    channel: Channel | None = None
    since: datetime | None = None
    until: datetime | None = None


class ReplayOutcome(Enum):
    QUEUED = "queued"
    NOT_FOUND = "not_found"
    IN_FLIGHT = "in_flight"
    ENDPOINT_DISABLED = "endpoint_disabled"
