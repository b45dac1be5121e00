"""Firing due SLA timers: claimed by any replica, each fired once, its event in the same commit.

Postgres is the truth: every timer is a row with an absolute `due_at`; `workers/timers.py`
decides when to look. A timer that fell due while no replica ran is simply due at start-up.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from uuid import UUID

import asyncpg
from opentelemetry import trace

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import SlaBreached, SlaEscalated, SlaWarning
from ticketflow_common.outbox import enqueue_events, event_for
from ticketflow_common.tracing import current_trace_carrier, linked_span
from ticketflow_sla.commands.configuration import configuration
from ticketflow_sla.commands.metrics import (
    SLA_BREACHES,
    SLA_ESCALATIONS,
    SLA_TIMER_LATENESS,
    SLA_WARNINGS,
    team_label,
)
from ticketflow_sla.domain.escalations import EscalationPolicy
from ticketflow_sla.domain.sla_clocks import SlaClock
from ticketflow_sla.domain.tickets import TicketProjection
from ticketflow_sla.domain.timers import DueTimer, Firing, PlannedTimer, fire
from ticketflow_sla.store.sla_clocks import clocks_by_id
from ticketflow_sla.store.tickets import tickets_by_id
from ticketflow_sla.store.timers import claim_due, insert_timers, mark_breached, upcoming_due

tracer = trace.get_tracer(__name__)


@dataclass
class Firings:
    """What one batch of due timers produces, written back in a few statements."""

    now: datetime
    events: list[tuple[Envelope, str, str, dict[str, str]]] = field(default_factory=list)
    breaches: list[tuple[UUID, datetime]] = field(default_factory=list)
    repeats: list[tuple[UUID, PlannedTimer]] = field(default_factory=list)
    counts: list[Callable[[], None]] = field(default_factory=list)

    def add(
        self,
        firing: Firing,
        *,
        timer: DueTimer,
        sla_clock: SlaClock,
        ticket: TicketProjection | None,
    ) -> None:
        """Queue the firing's event (with the current trace), breach, repeat and count."""
        data = firing.event
        subject = str(data.ticket_id)
        event = event_for(data, subject=subject, now=self.now)
        self.events.append((event, data.topic, subject, current_trace_carrier()))
        if firing.breached_at is not None:
            self.breaches.append((sla_clock.id, firing.breached_at))
        if firing.repeat is not None:
            self.repeats.append((sla_clock.id, firing.repeat))
        metric, policy = sla_clock.metric, sla_clock.policy
        if isinstance(data, SlaWarning):
            self.counts.append(SLA_WARNINGS.labels(metric, policy, timer.threshold).inc)
        elif isinstance(data, SlaBreached):
            self.counts.append(SLA_BREACHES.labels(metric, policy, team_label(ticket)).inc)
        elif isinstance(data, SlaEscalated):
            self.counts.append(SLA_ESCALATIONS.labels(metric, policy, str(timer.level)).inc)


async def fire_due_timers(*, conn: asyncpg.Connection, now: datetime, limit: int) -> int:
    """Fire every timer due at or before `now` (up to `limit`): warnings, breaches and
    escalations of running clocks, each event committed with the timer's `fired_at`."""
    async with conn.transaction():
        due = await claim_due(conn=conn, now=now, limit=limit)
        if not due:
            return 0
        clocks = await clocks_by_id(conn=conn, clock_ids=list({t.clock_id for t in due}))
        tickets = await tickets_by_id(
            conn=conn, ticket_ids=list({c.ticket_id for c in clocks.values()})
        )
        escalations: dict[str, EscalationPolicy | None] = {}
        config = None
        firings = Firings(now=now)
        for timer in due:
            late = (now - timer.due_at).total_seconds()
            firings.counts.append(partial(SLA_TIMER_LATENESS.labels(timer.kind).observe, late))
            sla_clock = clocks.get(timer.clock_id)
            if sla_clock is None or sla_clock.status != "running":
                continue
            if timer.kind == "escalation" and sla_clock.policy not in escalations:
                config = config or await configuration(conn=conn)
                policy = config.policy(sla_clock.policy)
                escalations[sla_clock.policy] = config.escalation_of(policy)
            ticket = tickets.get(sla_clock.ticket_id)
            # Due minutes or days after the event that started the clock: a trace of its own,
            # linked to that event's, and the firing's event carries this one on.
            with linked_span(tracer, f"sla fire {timer.kind} timer", cause=sla_clock.trace_carrier):
                firing = fire(
                    timer,
                    sla_clock,
                    ticket,
                    escalation=escalations.get(sla_clock.policy),
                    now=now,
                )
                if firing is not None:
                    firings.add(firing, timer=timer, sla_clock=sla_clock, ticket=ticket)
        if firings.breaches:
            await mark_breached(conn=conn, breaches=firings.breaches)
        if firings.repeats:
            await insert_timers(conn=conn, timers=firings.repeats, now=now)
        if firings.events:
            await enqueue_events(conn=conn, events=firings.events)
        for count in firings.counts:
            after_commit(conn, count)
        return len(due)


async def due_instants(*, conn: asyncpg.Connection, until: datetime, limit: int) -> list[datetime]:
    """The distinct instants of pending timers due by `until`, earliest first."""
    return await upcoming_due(conn=conn, until=until, limit=limit)
