"""Typed payloads of the events services exchange: the integrators' contract (additive only)."""

from datetime import datetime
from typing import Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import StringConstraints

from ticketflow_common import topics
from ticketflow_common.envelope import EventData

Priority = Literal["low", "normal", "high", "urgent"]
SkillTag = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
]


class TicketCreated(EventData):
    event_type: ClassVar[str] = "ticket.created"
    topic: ClassVar[str] = topics.TICKETS

    ticket_id: UUID
    subject: str
    priority: Priority
    required_skills: list[str]
    requester_id: str
    created_at: datetime


class TicketAssigned(EventData):
    event_type: ClassVar[str] = "ticket.assigned"
    topic: ClassVar[str] = topics.ROUTING

    ticket_id: UUID
    agent_id: UUID
    agent_name: str
    team: str
    assigned_at: datetime


class TicketQueued(EventData):
    event_type: ClassVar[str] = "ticket.queued"
    topic: ClassVar[str] = topics.ROUTING

    ticket_id: UUID
    required_skills: list[str]
    reason: str
    queued_at: datetime


class AgentStatusChanged(EventData):
    event_type: ClassVar[str] = "agent.status_changed"
    topic: ClassVar[str] = topics.ROUTING

    agent_id: UUID
    team: str
    previous_status: Literal["online", "away", "offline"]
    status: Literal["online", "away", "offline"]
    changed_at: datetime


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


EVENT_MODELS: dict[str, type[EventData]] = {
    m.event_type: m
    for m in (
        TicketCreated,
        TicketAssigned,
        TicketQueued,
        AgentStatusChanged,
        SlaStarted,
        SlaBreached,
        NotificationSent,
        NotificationFailed,
    )
}
