"""What intake's ticket events carry, built from the ticket they report (pure)."""

from datetime import datetime
from typing import Any

from ticketflow_common.events import TicketStatusChanged
from ticketflow_common.events.common import ActorRole
from ticketflow_intake.domain.tickets import Ticket


def facts(ticket: Ticket) -> dict[str, Any]:
    """The `TicketFacts` fields of a ticket, as every ticket event carries them."""
    return {
        "ticket_id": ticket.id,
        "status": ticket.status,
        "priority": ticket.priority,
        "category": ticket.category,
        "team": ticket.team,
        "channel": ticket.channel,
        "language": ticket.language,
        "required_skills": ticket.required_skills,
        "requester_id": ticket.requester.id,
        "requester_tier": ticket.requester.tier,
        "assignee_id": ticket.owner.agent_id if ticket.owner else None,
        "version": ticket.version,
    }


def status_changed(
    before: Ticket,
    after: Ticket,
    *,
    reason: str | None,
    actor_id: str,
    actor_role: ActorRole,
    now: datetime,
    reopened: bool = False,
) -> TicketStatusChanged:
    """`ticket.status_changed` for a ticket that moved from `before.status` to `after.status`."""
    return TicketStatusChanged(
        **facts(after),
        previous_status=before.status,
        reason=reason,
        actor_id=actor_id,
        actor_role=actor_role,
        reopened=reopened,
        changed_at=now,
    )
