"""What SLA remembers of a ticket: enough to match policies and to address escalations."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class TicketProjection:
    ticket_id: UUID
    version: int = 0
    status: str = "new"
    priority: str | None = None
    category: str | None = None
    channel: str | None = None
    team: str | None = None
    requester_tier: str | None = None
    assignee_id: UUID | None = None
    assignee_email: str | None = None
    assigned_team: str | None = None
    team_lead_id: UUID | None = None
    team_lead_email: str | None = None
    assigned_at: datetime | None = None

    @property
    def effective_team(self) -> str | None:
        """The ticket's team as intake knows it, else the team routing assigned it to."""
        return self.team or self.assigned_team
