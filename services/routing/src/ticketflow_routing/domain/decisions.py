"""A routing decision, as recorded for `GET /tickets/{id}/routing`: what its event says."""

from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

from ticketflow_common.events import TicketAssigned, TicketQueued, TicketUnassigned

DecisionEvent = TicketAssigned | TicketQueued | TicketUnassigned
DecisionKind = Literal["assigned", "queued", "unassigned"]


@dataclass(frozen=True)
class RoutingDecision:
    ticket_id: UUID
    kind: DecisionKind
    agent_id: UUID | None
    strategy: str | None
    reason: str | None
    detail: dict[str, Any]

    @property
    def counted_reason(self) -> str:
        """The `reason` label of the decisions counter: a queued ticket had no candidate."""
        return "no_candidate" if self.kind == "queued" else str(self.reason)


def decision_of(event: DecisionEvent) -> RoutingDecision:
    """The decision an assignment, queueing or unassignment event announces, and its
    explanation (scores, alternatives and exclusions; the queue place; the reason)."""
    if isinstance(event, TicketAssigned):
        detail = event.model_dump(
            mode="json",
            include={"score", "alternatives", "exclusions", "previous_agent_id", "team"},
        )
        return RoutingDecision(
            event.ticket_id, "assigned", event.agent_id, event.strategy, event.reason, detail
        )
    if isinstance(event, TicketQueued):
        detail = event.model_dump(mode="json", include={"position", "team", "exclusions", "reason"})
        return RoutingDecision(event.ticket_id, "queued", None, None, event.reason, detail)
    detail = {"reason": event.reason}
    return RoutingDecision(
        event.ticket_id, "unassigned", event.agent_id, None, event.reason, detail
    )
