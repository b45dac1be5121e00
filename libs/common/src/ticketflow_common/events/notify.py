"""`notify.events.v1`: outcomes of deliveries to people and systems. Key: ticket id."""

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from ticketflow_common import topics
from ticketflow_common.envelope import EventData


class NotificationSent(EventData):
    event_type: ClassVar[str] = "notification.sent"
    topic: ClassVar[str] = topics.NOTIFY

    delivery_id: UUID
    endpoint_id: UUID
    event_id: UUID
    event_type_delivered: str
    attempts: int
    delivered_at: datetime


class NotificationFailed(EventData):
    event_type: ClassVar[str] = "notification.failed"
    topic: ClassVar[str] = topics.NOTIFY

    delivery_id: UUID
    endpoint_id: UUID
    event_id: UUID
    event_type_delivered: str
    attempts: int
    error: str
    failed_at: datetime


MODELS: tuple[type[EventData], ...] = (NotificationSent, NotificationFailed)
