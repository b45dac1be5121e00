"""`tickets.events.v1`: what intake tells everyone about tickets. Key: ticket id."""

from datetime import datetime
from decimal import Decimal
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from ticketflow_common import topics
from ticketflow_common.envelope import EventData
from ticketflow_common.events.common import (
    ActorRole,
    AutomationCause,
    Channel,
    Priority,
    TicketStatus,
)


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
    subject: str | None = Field(default=None, description="None: not told (older events).")
    tags: list[str] | None = Field(default=None, description="The tags after this change.")
    custom_fields: dict[str, str | int | float | bool | None] | None = None
    escalation_level: int | None = None
    caused_by: AutomationCause | None = Field(
        default=None, description="The automation rule or macro that made this change."
    )


class TicketCreated(TicketFacts):
    event_type: ClassVar[str] = "ticket.created"

    subject: str
    description: str = Field(default="", description="What the requester wrote (may be empty).")
    requester_email: str | None = None
    watchers: list[str] = Field(default_factory=list, description="People or teams following it.")
    tags: list[str] = Field(default_factory=list)
    amount: Decimal | None = None
    origin_message_id: str | None = Field(
        default=None, description="The Message-ID of the mail the ticket was made from."
    )
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
    body: str | None = Field(
        default=None, description="A public comment's text (None for internal notes): mailed."
    )
    origin_message_id: str | None = Field(
        default=None, description="The Message-ID of the mail the comment came in."
    )
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


class TicketSurveyRequested(TicketFacts):
    """A satisfaction survey for a resolved ticket: the invitation, or its one reminder; a
    reopened and resolved again ticket gets a new survey (`cycle` counts them)."""

    event_type: ClassVar[str] = "ticket.survey_requested"

    survey_id: UUID
    round: Literal["invitation", "reminder"]
    cycle: int = Field(ge=1)
    subject: str
    requester_email: str | None = None
    expires_at: datetime
    requested_at: datetime


class TicketSurveyAnswered(TicketFacts):
    """The requester answered a survey: a rating (1-5), "was it resolved?", a comment, or some
    of them (a later answer to the same survey adds what was missing)."""

    event_type: ClassVar[str] = "ticket.survey_answered"

    survey_id: UUID
    rating: int | None = Field(default=None, ge=1, le=5)
    resolved: bool | None = None
    comment: str | None = None
    answered_at: datetime


class FeedbackNegative(TicketFacts):
    """A rating of 2 or less: the team lead hears of it and a follow-up ticket is opened."""

    event_type: ClassVar[str] = "feedback.negative"

    survey_id: UUID | None = None
    rating: int = Field(ge=1, le=5)
    comment: str | None = None
    subject: str
    follow_up_ticket_id: UUID | None = None
    received_at: datetime


class Approver(BaseModel):
    """Someone a category names to approve its tickets."""

    approver_id: str
    email: str | None = None
    name: str | None = None


class TicketApprovalRequested(TicketFacts):
    """A ticket waits for approval: its approvers are asked (`request`), reminded, and when
    nobody decides in time the escalation contacts are asked (`escalation`)."""

    event_type: ClassVar[str] = "ticket.approval_requested"

    approval_id: UUID
    round: Literal["request", "reminder", "escalation"]
    approvers: list[Approver]
    subject: str
    amount: Decimal | None = None
    due_at: datetime = Field(description="When the next reminder or escalation is due.")
    requested_at: datetime


class TicketApprovalDecided(TicketFacts):
    """Who approved or rejected the ticket, when, and how (the API or a signed mail link)."""

    event_type: ClassVar[str] = "ticket.approval_decided"

    approval_id: UUID | None = None
    decision: Literal["approved", "rejected"]
    approver_id: str
    via: Literal["api", "link"]
    reason: str | None = None
    decided_at: datetime


MODELS: tuple[type[EventData], ...] = (
    TicketCreated,
    TicketUpdated,
    TicketStatusChanged,
    TicketCommented,
    TicketSolutionMarked,
    TicketFeedbackReceived,
    TicketTransferred,
    TicketEscalated,
    TicketSurveyRequested,
    TicketSurveyAnswered,
    FeedbackNegative,
    TicketApprovalRequested,
    TicketApprovalDecided,
)
