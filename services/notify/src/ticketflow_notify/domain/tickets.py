"""Notify's projection of tickets, kept from ticket and routing events, and what it reads."""

from dataclasses import dataclass
from uuid import UUID

from ticketflow_common.envelope import EventData
from ticketflow_common.events import (
    ActionsRequested,
    KnowledgeSuggested,
    RuleSuppressed,
    SlaAtRisk,
    SlaFacts,
    SuggestionAnswered,
    TicketAssigned,
    TicketFacts,
    TicketQueued,
    TicketUnassigned,
)


@dataclass(frozen=True)
class TicketProjection:
    """Notify's copy of one ticket's facts: who is around it, in which team and language."""

    ticket_id: UUID
    subject: str | None = None
    status: str | None = None
    priority: str | None = None
    team: str | None = None
    language: str | None = None
    requester_email: str | None = None
    watchers: tuple[str, ...] = ()
    assignee_email: str | None = None
    team_lead_email: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    requester_id: str | None = None
    requester_tier: str | None = None


def ticket_id_of(event: EventData) -> UUID | None:
    """The ticket an event is about (automation's too); None for agent, team, calendar,
    report and problem events."""
    match event:
        case (
            TicketFacts()
            | SlaFacts()
            | SlaAtRisk()
            | TicketAssigned()
            | TicketQueued()
            | TicketUnassigned()
            | KnowledgeSuggested()
            | SuggestionAnswered()
            | ActionsRequested()
            | RuleSuppressed()
        ):
            return event.ticket_id
    return None
