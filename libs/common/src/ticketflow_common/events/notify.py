"""`notify.events.v1`: outcomes of deliveries to people and systems. Key: ticket id."""

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from ticketflow_common import topics
from ticketflow_common.envelope import EventData

DeliveryChannel = Literal["webhook", "chat", "email"]


class DeliveryOutcome(EventData):
    """What `notification.sent` and `notification.failed` both say of one delivery."""

    topic: ClassVar[str] = topics.NOTIFY

    delivery_id: UUID
    endpoint_id: UUID | None = Field(description="Set for webhook and chat deliveries.")
    event_id: UUID
    event_type_delivered: str
    attempts: int


class NotificationSent(DeliveryOutcome):
    event_type: ClassVar[str] = "notification.sent"

    delivered_at: datetime
    channel: DeliveryChannel = "webhook"
    latency_seconds: float | None = Field(
        default=None, description="From the event's time to its delivery."
    )


class NotificationFailed(DeliveryOutcome):
    """Retries exhausted; the event also goes to `<its topic>.dlq.notify`."""

    event_type: ClassVar[str] = "notification.failed"

    error: str
    failed_at: datetime
    channel: DeliveryChannel = "webhook"


class EndpointDisabled(EventData):
    """An endpoint failed without a success for too long; its owner is told by email."""

    event_type: ClassVar[str] = "notification.endpoint_disabled"
    topic: ClassVar[str] = topics.NOTIFY

    endpoint_id: UUID
    url: str
    failing_since: datetime
    disabled_at: datetime
    reason: str
    owner_told: bool


MODELS: tuple[type[EventData], ...] = (NotificationSent, NotificationFailed, EndpointDisabled)
