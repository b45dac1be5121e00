"""`sla.events.v1`: clocks starting, warning, breaching and escalating. Key: ticket id."""

from datetime import datetime
from typing import ClassVar, Literal
from uuid import UUID

from ticketflow_common import topics
from ticketflow_common.envelope import EventData


class SlaStarted(EventData):
    event_type: ClassVar[str] = "sla.started"
    topic: ClassVar[str] = topics.SLA

    ticket_id: UUID
    clock_id: UUID
    metric: Literal["first_response"]
    policy: str
    target_seconds: float
    started_at: datetime
    due_at: datetime


class SlaBreached(EventData):
    event_type: ClassVar[str] = "sla.breached"
    topic: ClassVar[str] = topics.SLA

    ticket_id: UUID
    clock_id: UUID
    metric: Literal["first_response"]
    policy: str
    due_at: datetime
    fired_at: datetime


MODELS: tuple[type[EventData], ...] = (SlaStarted, SlaBreached)
