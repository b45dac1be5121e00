"""The ticket lifecycle: which status may follow which (`ticketflow_common.ticket_lifecycle`),
approval and the reopen window."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from ticketflow_common.events.common import TicketStatus
from ticketflow_common.ticket_lifecycle import APPROVAL_ONLY, REOPEN, TRANSITIONS, allowed_next
from ticketflow_intake.domain.tickets import ApprovalDecision, Reopen, StatusChange, Ticket

FEEDBACK_STATUSES: frozenset[TicketStatus] = frozenset({"resolved", "closed"})
DONE_STATUSES: tuple[TicketStatus, ...] = ("resolved", "closed")
"""Work on the ticket has ended: configuration it names may be retired."""

TicketAction = Literal["read", "edit", "transfer", "escalate", "comment", "feedback"]
# A closed ticket is history: it can be read and rated (once), nothing else.
CLOSED_ALLOWS: tuple[TicketAction, ...] = ("read", "feedback")
_DONE: dict[TicketAction, str] = {
    "edit": "edited",
    "transfer": "transferred",
    "escalate": "escalated",
    "comment": "commented",
}


@dataclass(frozen=True)
class StatusMove:
    """A status change to make: where to, why, and what else changes with it."""

    target: TicketStatus
    reason: str | None
    also: Mapping[str, Any] = field(default_factory=dict)
    reopened: bool = False

    def changes(self, now: datetime) -> dict[str, Any]:
        """What the move sets on the ticket: its status, the time it entered it, the rest."""
        stamps: dict[str, Any] = {}
        if self.target == "resolved":
            stamps = {"resolved_at": now}
        elif self.target == "closed":
            stamps = {"closed_at": now}
        return {"status": self.target, **stamps, **self.also}


class LifecycleRefused(Exception):
    """A change the ticket's status does not allow; `details` says what would be allowed."""

    def __init__(self, current: TicketStatus, requested: str, reason: str) -> None:
        super().__init__(reason)
        self.current = current
        self.requested = requested
        self.reason = reason

    def details(self) -> dict[str, Any]:
        """The fields a refusal reports besides its reason, in the order clients read them."""
        return {"status_now": self.current, "requested": self.requested, **self.alternatives()}

    def alternatives(self) -> dict[str, Any]:
        """What the ticket may do instead of what was requested."""
        raise NotImplementedError


class TransitionRefused(LifecycleRefused):
    """A status change the lifecycle does not allow; carries what would have been allowed."""

    def __init__(self, current: TicketStatus, target: TicketStatus, reason: str) -> None:
        super().__init__(current, target, reason)
        self.target = target
        self.allowed = allowed_next(current)

    def alternatives(self) -> dict[str, Any]:
        return {"allowed_transitions": self.allowed}


class ActionRefused(LifecycleRefused):
    """A change the ticket's status does not allow; carries what is still allowed."""

    def __init__(self, current: TicketStatus, action: TicketAction, reason: str) -> None:
        super().__init__(current, action, reason)
        self.action = action
        self.allowed_actions = list(CLOSED_ALLOWS)
        self.allowed_transitions = allowed_next(current)

    def alternatives(self) -> dict[str, Any]:
        return {
            "allowed_actions": self.allowed_actions,
            "allowed_transitions": self.allowed_transitions,
        }


def check_changeable(current: TicketStatus, action: TicketAction) -> None:
    """Closed tickets refuse edits, transfers and escalations: they are kept as they ended."""
    if current == "closed":
        raise ActionRefused(
            current, action, f"a closed ticket cannot be {_DONE.get(action, action)}: it is final"
        )


def check_status_change(current: TicketStatus, target: TicketStatus) -> None:
    if target not in allowed_next(current):
        raise TransitionRefused(
            current, target, f"a ticket in status {current!r} cannot move to {target!r}"
        )


def check_reopen(
    current: TicketStatus, *, resolved_at: datetime | None, now: datetime, window: timedelta
) -> None:
    if current != "resolved" or resolved_at is None:
        raise TransitionRefused(
            current, "open", f"only a resolved ticket can be reopened, not {current!r}"
        )
    if now - resolved_at > window:
        raise TransitionRefused(
            current, "open", f"the reopen window of {window} after resolution has passed"
        )


def check_approval(current: TicketStatus) -> None:
    if current != "pending_approval":
        raise TransitionRefused(
            current, "open", f"a ticket in status {current!r} awaits no approval"
        )


def requested_move(ticket: Ticket, request: StatusChange) -> StatusMove:
    """The status the client asks for, if a plain status change may reach it."""
    check_status_change(ticket.status, request.status)
    return StatusMove(request.status, request.reason)


def approval_move(ticket: Ticket, request: ApprovalDecision) -> StatusMove:
    """Approved tickets open for work (and their resolution clock); rejected ones close."""
    check_approval(ticket.status)
    target: TicketStatus = "open" if request.decision == "approve" else "closed"
    decided = "approved" if request.decision == "approve" else "rejected"
    reason = decided + (f": {request.reason}" if request.reason else "")
    return StatusMove(target, reason)


def reopen_move(ticket: Ticket, request: Reopen, *, now: datetime, window: timedelta) -> StatusMove:
    """A resolved ticket opens again within `window` of its resolution, counting the reopen."""
    check_reopen(ticket.status, resolved_at=ticket.resolved_at, now=now, window=window)
    also = {"resolved_at": None, "reopen_count": ticket.reopen_count + 1}
    return StatusMove("open", request.reason, also, reopened=True)


def needs_approval(amount: Decimal | None, threshold: Decimal | None) -> bool:
    """At or above the category's threshold a supervisor must approve before work starts."""
    return amount is not None and threshold is not None and amount >= threshold


__all__ = ["APPROVAL_ONLY", "REOPEN", "TRANSITIONS", "allowed_next"]
