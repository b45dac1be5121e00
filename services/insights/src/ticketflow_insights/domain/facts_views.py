"""What the facts' API answers: arrivals per interval, and one ticket's instants and figures."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from ticketflow_insights.domain.arrivals import ArrivalCount
from ticketflow_insights.domain.ticket_figures import TicketFigures


@dataclass(frozen=True)
class ArrivalsAnswer:
    interval_minutes: int
    start: datetime
    end: datetime
    group_by: list[str]
    intervals: list[ArrivalCount]
    total: int


@dataclass(frozen=True)
class TicketInstants:
    created_at: datetime | None
    first_assigned_at: datetime | None
    assigned_at: datetime | None
    queued_at: datetime | None
    first_response_at: datetime | None
    status_since: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    csat_at: datetime | None


@dataclass(frozen=True)
class TicketFactsView:
    """One ticket: its dimensions, instants, figures and the time it spent in each status."""

    ticket_id: UUID
    team: str | None
    channel: str | None
    category: str | None
    priority: str | None
    status: str
    assignee_id: UUID | None
    first_responder_id: UUID | None
    queue_position: int | None
    instants: TicketInstants
    figures: TicketFigures
    dwell_seconds: dict[str, float]
