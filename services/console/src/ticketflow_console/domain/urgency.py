"""Queue order by SLA urgency: the ticket whose next deadline comes first is worked first."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
OPEN_STATUSES = frozenset({"new", "open", "in_progress", "waiting_on_customer"})
"""Statuses an agent still works; resolved, closed and pending approval leave the queue."""
RUNNING_STATES = frozenset({"running", "breached"})
"""Clocks with a deadline that still counts (a paused clock waits; met and cancelled are done)."""


@dataclass(frozen=True)
class SlaClock:
    """One SLA clock of a ticket, as sla reports it."""

    metric: str
    state: str
    due_at: datetime | None
    breached: bool


@dataclass(frozen=True)
class Deadline:
    """The next deadline of a ticket: when, of which metric, and whether it has passed."""

    due_at: datetime
    metric: str
    breached: bool


@dataclass(frozen=True)
class QueueTicket:
    """One row of a queue: the ticket's facts and its next deadline, if any clock runs."""

    ticket_id: str
    subject: str
    priority: str
    status: str
    created_at: datetime
    deadline: Deadline | None


def next_deadline(clocks: Iterable[SlaClock]) -> Deadline | None:
    """The earliest due instant among clocks still counting; None when none does."""
    counting = [c for c in clocks if c.state in RUNNING_STATES and c.due_at is not None]
    if not counting:
        return None
    first = min(counting, key=lambda c: c.due_at or datetime.max)
    assert first.due_at is not None
    return Deadline(due_at=first.due_at, metric=first.metric, breached=first.breached)


def urgency_key(ticket: QueueTicket) -> tuple[int, float, int, float]:
    """Deadlines first, earliest (most overdue) first; then priority; then oldest first."""
    has_deadline = 0 if ticket.deadline is not None else 1
    due = ticket.deadline.due_at.timestamp() if ticket.deadline is not None else 0.0
    rank = PRIORITY_RANK.get(ticket.priority, len(PRIORITY_RANK))
    return (has_deadline, due, rank, ticket.created_at.timestamp())


def by_urgency(tickets: Iterable[QueueTicket]) -> list[QueueTicket]:
    """The queue in working order (`urgency_key`)."""
    return sorted(tickets, key=urgency_key)


QueueEffect = Literal["show", "remove", "keep"]


def queue_effect(
    *, is_open: bool, owner: str | None, previous_owner: str | None, me: str | None
) -> QueueEffect:
    """What a change to a ticket does to agent `me`'s queue, from the projection: an open ticket
    they own is shown; one they owned before this change (now someone else's, or closed) leaves;
    anyone else's is not their business (nothing is sent, not even its id)."""
    if me is None:
        return "keep"
    if is_open and owner == me:
        return "show"
    if previous_owner == me or owner == me:
        return "remove"
    return "keep"
