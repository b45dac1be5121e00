"""`tickets.events.v1`: what intake tells everyone about tickets. Key: ticket id."""

from datetime import datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from ticketflow_common import topics
from ticketflow_common.envelope import EventData
from ticketflow_common.events.common import ActorRole, Channel, Priority, TicketStatus


class TicketFacts(EventData):
    """What every ticket event carries, so consumers keep projections without asking intake."""

    topic: ClassVar[str] = topics.TICKETS

    ticket_id: UUID
    status: TicketStatus = "new"
    priority: Priority
    category: str | None = None
    team: str | None = None
    channel: Channel = "api"
    language: str = "en"
    required_skills: list[str]
    requester_id: str
    requester_tier: str = "standard"
    assignee_id: UUID | None = None
    version: int = Field(default=1, description="The ticket's version after this change.")


class TicketCreated(TicketFacts):
    event_type: ClassVar[str] = "ticket.created"

    subject: str
    description: str = Field(default="", description="What the requester wrote (may be empty).")
    requester_email: str | None = None
    watchers: list[str] = Field(default_factory=list, description="People or teams following it.")
    tags: list[str] = Field(default_factory=list)
    amount: Decimal | None = None
    created_at: datetime


class TicketUpdated(TicketFacts):
    """Fields other than status changed; `changed` names them (e.g. priority, category)."""

    event_type: ClassVar[str] = "ticket.updated"

    changed: list[str]
    actor_id: str
    updated_at: datetime


class TicketStatusChanged(TicketFacts):
    event_type: ClassVar[str] = "ticket.status_changed"

    previous_status: TicketStatus
    reason: str | None = None
    actor_id: str
    actor_role: ActorRole
    reopened: bool = Field(default=False, description="True when a resolved ticket was reopened.")
    changed_at: datetime


class TicketCommented(TicketFacts):
    event_type: ClassVar[str] = "ticket.commented"

    comment_id: UUID
    author_id: str
    author_role: ActorRole
    public: bool
    first_response: bool = Field(description="The first public reply by an agent.")
    commented_at: datetime


class TicketSolutionMarked(TicketFacts):
    """An agent marked a public reply as the ticket's solution (knowledge learns it)."""

    event_type: ClassVar[str] = "ticket.solution_marked"

    comment_id: UUID
    subject: str
    solution: str = Field(description="The marked reply's text.")
    marked_by: str
    marked_at: datetime


class TicketFeedbackReceived(TicketFacts):
    event_type: ClassVar[str] = "ticket.feedback_received"

    rating: int = Field(ge=1, le=5)
    comment: str | None = None
    received_at: datetime


class TicketTransferred(TicketFacts):
    """Handed to another team; `team` is the new one."""

    event_type: ClassVar[str] = "ticket.transferred"

    from_team: str | None
    reason: str
    actor_id: str
    transferred_at: datetime


class TicketEscalated(TicketFacts):
    """Escalated by a person (SLA escalations are `sla.escalated`)."""

    event_type: ClassVar[str] = "ticket.escalated"

    level: int = Field(ge=1)
    reason: str
    actor_id: str
    escalated_at: datetime


MODELS: tuple[type[EventData], ...] = (
    TicketCreated,
    TicketUpdated,
    TicketStatusChanged,
    TicketCommented,
    TicketSolutionMarked,
    TicketFeedbackReceived,
    TicketTransferred,
    TicketEscalated,
)
