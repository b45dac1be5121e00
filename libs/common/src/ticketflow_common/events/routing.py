"""`routing.events.v1`: ownership decisions and agent availability. Key: ticket id (agent id)."""

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from ticketflow_common import topics
from ticketflow_common.envelope import EventData
from ticketflow_common.events.common import AgentStatus


class TicketAssigned(EventData):
    event_type: ClassVar[str] = "ticket.assigned"
    topic: ClassVar[str] = topics.ROUTING

    ticket_id: UUID
    agent_id: UUID
    agent_name: str
    team: str
    assigned_at: datetime
    agent_email: str | None = None
    team_lead_id: UUID | None = None
    team_lead_email: str | None = None


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
    previous_status: AgentStatus
    status: AgentStatus
    changed_at: datetime


MODELS: tuple[type[EventData], ...] = (TicketAssigned, TicketQueued, AgentStatusChanged)
