"""The clock lifecycle: which SLA clocks start, stop, pause, resume or are retargeted on which
ticket event. Pure: each rule returns the steps, in order, that a command then carries out.

- created: first response starts; resolution starts unless the ticket awaits approval.
- status_changed, by the matched policy's clock rules (defaults in brackets): statuses in
  `cancel_on` [closed] cancel every clock; `resolve_on` [resolved] meets resolution and cancels
  pending replies; `reset_on` [none] cancels the active clocks and starts each metric afresh;
  `pause_on` [waiting_on_customer, pending_approval] pauses running clocks, other statuses
  resume them. Approval (pending_approval -> open) starts resolution; reopened starts a new
  resolution cycle.
- commented (public): an agent's reply meets first and next response; a requester's starts
  a next-response cycle.
- updated (priority, category, ...) and transferred: the policy is matched again and the
  active clocks keep the business time already spent.
- ticket.assigned (routing): owner and team lead, for escalation targets.

Ticket facts apply by version: an event older than what SLA knows changes no clock state.
A clock starts only under a matched policy that sets a target for its metric, and a ticket in a
status the policy pauses on pauses it at once (see `commands/clock_transitions.py`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ticketflow_common.events import TicketCommented, TicketStatusChanged, TicketUpdated
from ticketflow_common.events.sla import Metric
from ticketflow_sla.domain.policies import ClockRules, Policy
from ticketflow_sla.domain.sla_clocks import SlaClock
from ticketflow_sla.domain.tickets import TicketProjection

POLICY_FIELDS = frozenset({"priority", "category", "channel", "team", "requester_tier"})
AGENT_ROLES = frozenset({"agent", "admin"})
Outcome = Literal["met", "cancelled"]


@dataclass(frozen=True)
class Start:
    """Start `metric`'s clock, cycle `cycle`, under the ticket's policy."""

    metric: Metric
    cycle: int


@dataclass(frozen=True)
class ClockStep:
    """A step on one existing clock."""

    sla_clock: SlaClock


@dataclass(frozen=True)
class Stop(ClockStep):
    outcome: Outcome
    reason: str


@dataclass(frozen=True)
class Pause(ClockStep):
    reason: str


@dataclass(frozen=True)
class Resume(ClockStep):
    """Count again from the event's time."""


@dataclass(frozen=True)
class Retarget(ClockStep):
    """Apply the policy the ticket now matches to an active clock."""


Step = Start | Stop | Pause | Resume | Retarget


@dataclass(frozen=True)
class Trigger:
    """The ticket event the steps answer: the ticket's facts as SLA now knows them (None for a
    ticket it never saw), the policy the ticket matches, and when the event happened."""

    ticket: TicketProjection | None
    policy: Policy | None
    at: datetime


def active(clocks: Sequence[SlaClock], metric: Metric) -> list[SlaClock]:
    return [c for c in clocks if c.metric == metric and c.active]


def next_cycle(clocks: Sequence[SlaClock], metric: Metric) -> int:
    return max((c.cycle for c in clocks if c.metric == metric), default=0) + 1


def on_created(ticket: TicketProjection, clocks: Sequence[SlaClock]) -> list[Step]:
    """A new ticket: first response, and resolution unless it awaits approval (once only)."""
    if clocks:
        return []
    steps: list[Step] = [Start("first_response", next_cycle(clocks, "first_response"))]
    if ticket.status != "pending_approval":
        steps.append(Start("resolution", 1))
    return steps


def stop_all(clocks: Sequence[SlaClock], *, met: frozenset[str], reason: str) -> list[Step]:
    """Stop every active clock: met for the metrics in `met`, cancelled for the others."""
    return [Stop(c, "met" if c.metric in met else "cancelled", reason) for c in clocks if c.active]


def reset(clocks: Sequence[SlaClock], *, reason: str) -> list[Step]:
    """Cancel the active clocks and start each of their metrics again from zero."""
    running = [c for c in clocks if c.active]
    steps = stop_all(running, met=frozenset(), reason=f"reset: {reason}")
    for metric in dict.fromkeys(c.metric for c in running):
        steps.append(Start(metric, next_cycle(clocks, metric)))
    return steps


def on_status_changed(
    event: TicketStatusChanged,
    ticket: TicketProjection,
    clocks: Sequence[SlaClock],
    rules: ClockRules,
) -> list[Step]:
    if event.status in rules.cancel_on:
        return stop_all(clocks, met=frozenset(), reason=event.status)
    if event.status in rules.resolve_on:
        return stop_all(clocks, met=frozenset({"resolution"}), reason=event.status)
    if event.status in rules.reset_on:
        return reset(clocks, reason=event.status)
    pausing = rules.pauses(ticket.status)
    steps: list[Step] = []
    for sla_clock in clocks:
        if pausing and sla_clock.status == "running":
            steps.append(Pause(sla_clock, event.status))
        elif not pausing and sla_clock.status == "paused":
            steps.append(Resume(sla_clock))
    approved = event.previous_status == "pending_approval" and not pausing
    no_resolution = not any(c.metric == "resolution" for c in clocks)
    starts_resolution = event.reopened or (approved and no_resolution)
    if starts_resolution and not active(clocks, "resolution"):
        steps.append(Start("resolution", next_cycle(clocks, "resolution")))
    return steps


def comment_counts(event: TicketCommented) -> bool:
    """Only public comments move clocks."""
    return event.public


def on_commented(
    event: TicketCommented, ticket: TicketProjection | None, clocks: Sequence[SlaClock]
) -> list[Step]:
    """An agent's reply meets the pending replies; a requester's, with none pending on an
    open ticket, starts a next-response cycle."""
    if event.first_response or event.author_role in AGENT_ROLES:
        replied = [*active(clocks, "first_response"), *active(clocks, "next_response")]
        return [Stop(c, "met", "agent_replied") for c in replied]
    if event.author_role == "requester" and ticket is not None:
        awaiting_reply = active(clocks, "first_response") or active(clocks, "next_response")
        if not awaiting_reply and ticket.status not in ("resolved", "closed"):
            return [Start("next_response", next_cycle(clocks, "next_response"))]
    return []


def update_rematches(event: TicketUpdated) -> bool:
    """A change of a field policies match on applies the policy matched again."""
    return bool(POLICY_FIELDS.intersection(event.changed))


def rematch(clocks: Sequence[SlaClock]) -> list[Step]:
    return [Retarget(c) for c in clocks if c.active]
