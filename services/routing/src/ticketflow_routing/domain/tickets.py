"""Routing's projection of a ticket (the facts of intake's ticket events) and the rules that
follow from its status."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID

from ticketflow_common.events import TicketCreated, TicketFacts

NOT_STARTED = frozenset({"new", "open"})
"""Owned but not yet picked up: these have a pickup deadline and are handed back."""
ACTIVE = NOT_STARTED | {"in_progress", "waiting_on_customer"}
"""Statuses in which a ticket must have an owner or be visibly queued."""
DONE = frozenset({"resolved", "closed"})

PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
ROUTING_FACTS = ("team", "language", "required_skills")
PROJECTED_FACTS = {"ticket_id", "version", "status", "priority", "category", "team", "language"}
"""The event's facts routing keeps as they are (its skills are kept sorted, once each)."""


@dataclass(frozen=True)
class TicketProjection:
    """What routing keeps of a ticket: the facts of its newest event, and its last owner."""

    ticket_id: UUID
    version: int
    status: str
    priority: str
    category: str | None
    team: str | None
    language: str
    required_skills: tuple[str, ...]
    last_agent_id: UUID | None
    created_at: datetime
    updated_at: datetime

    @property
    def routing_keys(self) -> list[str]:
        """The keys an eligible agent's routing_keys must contain, for the GIN lookup. The
        language, held by nearly everyone, is left to a row filter when a team or a skill
        narrows the search: intersecting its huge posting list would cost per agent."""
        keys = set(self.required_skills)
        if self.team:
            keys.add(f"team:{self.team}")
        return sorted(keys) or [f"lang:{self.language}"]


def is_newer(before: TicketProjection | None, event: TicketFacts) -> bool:
    """Events apply by version: an older or equal one (reordered, redelivered) changes nothing."""
    return before is None or event.version > before.version


def projection_after(
    before: TicketProjection | None, event: TicketFacts, *, now: datetime
) -> TicketProjection:
    """The projection once `event` is applied (the last owner is routing's own fact)."""
    created_at = event.created_at if isinstance(event, TicketCreated) else None
    return TicketProjection(
        **event.model_dump(include=PROJECTED_FACTS),
        required_skills=tuple(sorted(set(event.required_skills))),
        last_agent_id=before.last_agent_id if before else None,
        created_at=created_at or (before.created_at if before else now),
        updated_at=now,
    )


def routing_facts_changed(before: TicketProjection, after: TicketProjection) -> bool:
    return any(getattr(before, f) != getattr(after, f) for f in ROUTING_FACTS)


def pickup_deadline(
    ticket: TicketProjection, *, now: datetime, timeouts: Mapping[str, float]
) -> datetime | None:
    """When an owner who has not started the ticket loses it; None once it is started."""
    if ticket.status not in NOT_STARTED:
        return None
    return now + timedelta(seconds=timeouts[ticket.priority])


def with_last_agent(ticket: TicketProjection, agent_id: UUID) -> TicketProjection:
    return replace(ticket, last_agent_id=agent_id)
