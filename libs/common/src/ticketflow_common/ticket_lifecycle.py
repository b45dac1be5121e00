"""Which ticket status may follow which: intake enforces it, automation previews and dry-runs
actions by it, so the table is stated once."""

from ticketflow_common.events.common import TicketStatus

TRANSITIONS: dict[TicketStatus, tuple[TicketStatus, ...]] = {
    "new": ("open", "in_progress", "waiting_on_customer", "resolved", "closed"),
    "pending_approval": ("open", "closed"),
    "open": ("in_progress", "waiting_on_customer", "resolved", "closed"),
    "in_progress": ("open", "waiting_on_customer", "resolved", "closed"),
    "waiting_on_customer": ("open", "in_progress", "resolved", "closed"),
    "resolved": ("open", "closed"),
    "closed": (),
}
APPROVAL_ONLY: frozenset[tuple[TicketStatus, TicketStatus]] = frozenset(
    {("pending_approval", "open"), ("pending_approval", "closed")}
)
REOPEN: tuple[TicketStatus, TicketStatus] = ("resolved", "open")


def allowed_next(current: TicketStatus) -> list[TicketStatus]:
    """Statuses reachable by a plain status change (approval and reopen have their own routes)."""
    return [
        s
        for s in TRANSITIONS[current]
        if (current, s) not in APPROVAL_ONLY and (current, s) != REOPEN
    ]
