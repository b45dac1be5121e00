"""Ownership rules: a ticket given to one named agent, and what follows when an owner is taken
off a ticket for another."""

from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from ticketflow_common.events import AutomationCause, RoutingStrategy
from ticketflow_common.events.routing import UnassignReason

AssignStrategy = RoutingStrategy | Literal["previous_owner", "manual"]


@dataclass(frozen=True)
class AssignmentRequest:
    """The ticket to go to `agent_id`, and how its `ticket.assigned` explains it. Without
    `require_eligible` (a person's choice) skills, team, status and shift are overridden,
    never capacity; `require_team` (a rule's or macro's choice) still keeps the ticket's team."""

    agent_id: UUID
    reason: str
    strategy: AssignStrategy
    require_eligible: bool = True
    previous_agent_id: UUID | None = None
    require_team: bool = False
    caused_by: AutomationCause | None = None

    @classmethod
    def from_queue(cls, agent_id: UUID) -> "AssignmentRequest":
        """An agent with spare capacity takes a queued ticket."""
        return cls(agent_id, reason="queue", strategy="skills_load")

    @classmethod
    def by_hand(cls, agent_id: UUID, *, previous_agent_id: UUID | None) -> "AssignmentRequest":
        """A person chose the new owner."""
        return cls(
            agent_id,
            reason="manual",
            strategy="manual",
            require_eligible=False,
            previous_agent_id=previous_agent_id,
        )

    @classmethod
    def by_automation(
        cls, agent_id: UUID, *, previous_agent_id: UUID | None, caused_by: AutomationCause
    ) -> "AssignmentRequest":
        """A rule or macro chose the new owner: as a person's choice, but within the team."""
        return cls(
            agent_id,
            reason="automation",
            strategy="manual",
            require_eligible=False,
            previous_agent_id=previous_agent_id,
            require_team=True,
            caused_by=caused_by,
        )

    @classmethod
    def back_to_last_owner(cls, agent_id: UUID) -> "AssignmentRequest":
        """A reopened ticket goes back to whoever had it last, if they can take it."""
        return cls(
            agent_id, reason="reopened", strategy="previous_owner", previous_agent_id=agent_id
        )


KEEP_IF_NOBODY_ELSE: frozenset[UnassignReason] = frozenset({"pickup_timeout", "manual"})
"""After these the owner keeps the ticket when nobody else can take it (the pickup deadline
restarts); after the others (a transfer; the owner away, offline or off shift) it is queued."""
FORMER_OWNER_TAKES_FROM_QUEUE: frozenset[UnassignReason] = frozenset(
    {"pickup_timeout", "manual", "transferred"}
)
"""After these the former owner, capacity freed, takes from the queue at once."""


def assign_reason(reason: UnassignReason) -> str:
    """The `reason` of the `ticket.assigned` that hands a ticket on."""
    return "transferred" if reason == "transferred" else "reassigned"
