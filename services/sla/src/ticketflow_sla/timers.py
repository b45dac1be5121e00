"""Firing due SLA timers: claimed by any replica, each fired once, its event in the same commit.

Postgres is the truth: every timer is a row with an absolute `due_at`. Each replica keeps a
lookahead of the instants due in the next few seconds and sleeps precisely until the earliest;
a NOTIFY from whoever schedules a near timer refreshes it at once, and a periodic poll
catches the rest. A timer that fell due while no replica ran is simply due at start-up.
"""

import asyncio
import bisect
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from uuid import UUID

import asyncpg
from opentelemetry import trace

from ticketflow_common.clock import Clock
from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.envelope import Envelope, new_event
from ticketflow_common.events import SlaBreached, SlaEscalated, SlaFacts, SlaWarning
from ticketflow_common.outbox import enqueue_events
from ticketflow_common.tracing import context_from_carrier, current_trace_carrier
from ticketflow_common.transient import TRANSIENT_ERRORS
from ticketflow_common.wakeups import listening, wait_for_any
from ticketflow_common.work_loop import run_work_loop
from ticketflow_sla.domain.clocks import ClockRecord, PlannedTimer
from ticketflow_sla.domain.escalations import EscalationPolicy, escalation_due, resolve_targets
from ticketflow_sla.domain.tickets import TicketProjection
from ticketflow_sla.lifecycle import SOURCE, escalation_of, sla_facts
from ticketflow_sla.metrics import (
    SLA_ACHIEVEMENT_RATIO,
    SLA_ACTIVE_TIMERS,
    SLA_BREACHES,
    SLA_ESCALATIONS,
    SLA_TIMER_LATENESS,
    SLA_WARNINGS,
    team_label,
)
from ticketflow_sla.store.clocks import clocks_by_id
from ticketflow_sla.store.policies import get_policy
from ticketflow_sla.store.reports import achievement_ratios
from ticketflow_sla.store.tickets import tickets_by_id
from ticketflow_sla.store.timers import (
    DueTimer,
    claim_due,
    count_pending,
    insert_timers,
    mark_breached,
    timers_channel,
    upcoming_due,
)

tracer = trace.get_tracer(__name__)
log = logging.getLogger(__name__)


@dataclass
class Firings:
    """What one batch of due timers produces, written back in a few statements."""

    now: datetime
    events: list[tuple[Envelope, str, str, dict[str, str]]] = field(default_factory=list)
    breaches: list[tuple[UUID, datetime]] = field(default_factory=list)
    repeats: list[tuple[UUID, PlannedTimer]] = field(default_factory=list)
    counts: list[Callable[[], None]] = field(default_factory=list)

    def emit(self, data: SlaFacts) -> None:
        event = new_event(data, source=SOURCE, subject=str(data.ticket_id), time=self.now)
        self.events.append((event, data.topic, str(data.ticket_id), current_trace_carrier()))


def _fire_one(
    firings: Firings,
    *,
    timer: DueTimer,
    clock: ClockRecord,
    ticket: TicketProjection | None,
    escalation: EscalationPolicy | None,
) -> None:
    facts = sla_facts(clock, ticket)
    now = firings.now
    deadline = clock.breached_at or clock.due_at or timer.due_at
    if timer.kind == "warning":
        firings.counts.append(SLA_WARNINGS.labels(clock.metric, clock.policy, timer.threshold).inc)
        firings.emit(
            SlaWarning(
                **facts,
                threshold=timer.threshold,
                due_at=deadline,
                fired_at=now,
                timer_due_at=timer.due_at,
            )
        )
    elif timer.kind == "breach":
        firings.counts.append(
            SLA_BREACHES.labels(clock.metric, clock.policy, team_label(ticket)).inc
        )
        firings.breaches.append((clock.id, timer.due_at))
        firings.emit(SlaBreached(**facts, due_at=timer.due_at, fired_at=now))
    elif escalation is not None and 0 < timer.level <= len(escalation.levels):
        level = escalation.levels[timer.level - 1]
        level_label = str(timer.level)
        firings.counts.append(SLA_ESCALATIONS.labels(clock.metric, clock.policy, level_label).inc)
        firings.emit(
            SlaEscalated(
                **facts,
                level=timer.level,
                targets=resolve_targets(level, ticket or TicketProjection(clock.ticket_id)),
                repeat=timer.repeat,
                due_at=deadline,
                fired_at=now,
                timer_due_at=timer.due_at,
            )
        )
        if timer.repeat < level.repeat:
            repeat = timer.repeat + 1
            due = escalation_due(level, deadline=deadline, repeat=repeat)
            firings.repeats.append(
                (clock.id, PlannedTimer("escalation", due, level=timer.level, repeat=repeat))
            )


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
        firings = Firings(now=now)
        for timer in due:
            late = (now - timer.due_at).total_seconds()
            firings.counts.append(partial(SLA_TIMER_LATENESS.labels(timer.kind).observe, late))
            clock = clocks.get(timer.clock_id)
            if clock is None or clock.status != "running":
                continue
            if timer.kind == "escalation" and clock.policy not in escalations:
                policy = await get_policy(conn=conn, name=clock.policy)
                escalations[clock.policy] = await escalation_of(conn=conn, policy=policy)
            with tracer.start_as_current_span(
                f"sla fire {timer.kind} timer", context=context_from_carrier(clock.trace_carrier)
            ):
                _fire_one(
                    firings,
                    timer=timer,
                    clock=clock,
                    ticket=tickets.get(clock.ticket_id),
                    escalation=escalations.get(clock.policy),
                )
        if firings.breaches:
            await mark_breached(conn=conn, breaches=firings.breaches)
        if firings.repeats:
            await insert_timers(conn=conn, timers=firings.repeats)
        if firings.events:
            await enqueue_events(conn=conn, events=firings.events)
        for count in firings.counts:
            after_commit(conn, count)
        return len(due)


@dataclass
class Lookahead:
    """The instants of the timers due within `horizon`, kept in memory between polls."""

    horizon: timedelta
    limit: int = 1000
    instants: list[datetime] = field(default_factory=list)
    refreshed_at: datetime | None = None

    async def refresh(self, *, conn: asyncpg.Connection, now: datetime) -> None:
        self.instants = await upcoming_due(conn=conn, until=now + self.horizon, limit=self.limit)
        self.refreshed_at = now

    def next_after(self, now: datetime) -> datetime | None:
        """The earliest known instant still ahead, or the horizon's end when none is known."""
        del self.instants[: bisect.bisect_right(self.instants, now)]
        if self.instants:
            return self.instants[0]
        return None if self.refreshed_at is None else self.refreshed_at + self.horizon

    def stale(self, now: datetime, max_age: timedelta) -> bool:
        return self.refreshed_at is None or now - self.refreshed_at >= max_age


async def run_timer_loop(
    *,
    pool: asyncpg.Pool,
    clock: Clock,
    stop: asyncio.Event,
    batch_size: int,
    max_idle_seconds: float,
    lookahead_seconds: float = 5.0,
    schema: str = "sla",
) -> None:
    """Fire due timers until `stop`: sleep until the next instant in the lookahead, a NOTIFY of
    a near timer, or `max_idle_seconds`, whichever is first."""
    lookahead = Lookahead(horizon=timedelta(seconds=lookahead_seconds))
    wakeup = asyncio.Event()
    refresh_now = asyncio.Event()
    max_age = timedelta(seconds=max_idle_seconds)

    def on_notify() -> None:
        refresh_now.set()
        wakeup.set()

    async def fire() -> int:
        async with pool.acquire() as conn:
            return await fire_due_timers(conn=conn, now=clock(), limit=batch_size)

    async def upcoming() -> datetime | None:
        now = clock()
        if refresh_now.is_set() or lookahead.stale(now, max_age):
            refresh_now.clear()
            async with pool.acquire() as conn:
                await lookahead.refresh(conn=conn, now=now)
        return lookahead.next_after(now)

    async with listening(pool, timers_channel(schema), on_notify):
        await run_work_loop(
            name="sla timers",
            work=fire,
            next_due=upcoming,
            batch_size=batch_size,
            max_idle_seconds=max_idle_seconds,
            stop=stop,
            clock=clock,
            wakeup=wakeup,
        )


async def run_stats_loop(
    *, pool: asyncpg.Pool, clock: Clock, stop: asyncio.Event, every_seconds: float
) -> None:
    """Refresh the gauges that need a count over all replicas' work."""
    while not stop.is_set():
        try:
            async with pool.acquire() as conn:
                SLA_ACTIVE_TIMERS.set(await count_pending(conn=conn))
                since = clock() - timedelta(days=7)
                for metric, ratio in (await achievement_ratios(conn=conn, since=since)).items():
                    SLA_ACHIEVEMENT_RATIO.labels(metric).set(ratio)
        except TRANSIENT_ERRORS as exc:
            log.warning("sla stats failed, will retry", extra={"error": str(exc)})
        await wait_for_any(stop, seconds=every_seconds)
