"""Clock transitions: start, pause, resume, meet, cancel, retarget. Each stores the clock,
replaces its pending timers and emits its event, all in the caller's transaction."""

import logging
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any, Literal
from uuid import uuid4

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.envelope import new_event
from ticketflow_common.events import (
    SlaCancelled,
    SlaFacts,
    SlaMet,
    SlaPaused,
    SlaRecalculated,
    SlaResumed,
    SlaStarted,
)
from ticketflow_common.events.sla import Metric
from ticketflow_common.outbox import enqueue_event
from ticketflow_common.tracing import current_trace_carrier
from ticketflow_sla.domain.business_time import ALWAYS_OPEN, WorkingCalendar
from ticketflow_sla.domain.calendars import working_calendar
from ticketflow_sla.domain.clocks import (
    ClockRecord,
    paused,
    plan_timers,
    resumed,
    retargeted,
    stopped,
)
from ticketflow_sla.domain.escalations import EscalationPolicy
from ticketflow_sla.domain.policies import Policy
from ticketflow_sla.domain.tickets import TicketProjection
from ticketflow_sla.metrics import SLA_BUSINESS_SECONDS, SLA_OUTCOMES, SLA_STARTED, team_label
from ticketflow_sla.store.calendars import get_calendar
from ticketflow_sla.store.clocks import insert_clock, record_pause, record_resume, save_clock
from ticketflow_sla.store.escalations import get_escalation_policy
from ticketflow_sla.store.policies import get_policy
from ticketflow_sla.store.timers import cancel_timers, fired_keys, schedule_timers

SOURCE = "/ticketflow/sla"
log = logging.getLogger(__name__)


async def calendar_of(*, conn: asyncpg.Connection, name: str) -> WorkingCalendar:
    """The named calendar; round the clock if it does not exist (logged: a policy names it)."""
    calendar = await get_calendar(conn=conn, name=name)
    if calendar is None:
        log.warning("unknown calendar, counting 24x7", extra={"calendar": name})
        return ALWAYS_OPEN
    return working_calendar(calendar)


async def escalation_of(
    *, conn: asyncpg.Connection, policy: Policy | None
) -> EscalationPolicy | None:
    if policy is None or policy.escalation_policy is None:
        return None
    return await get_escalation_policy(conn=conn, name=policy.escalation_policy)


def sla_facts(clock: ClockRecord, ticket: TicketProjection | None) -> dict[str, Any]:
    """The fields every SLA event carries."""
    return {
        "ticket_id": clock.ticket_id,
        "clock_id": clock.id,
        "metric": clock.metric,
        "policy": clock.policy,
        "cycle": clock.cycle,
        "priority": ticket.priority if ticket else None,
        "team": ticket.effective_team if ticket else None,
        "assignee_id": ticket.assignee_id if ticket else None,
    }


async def emit(*, conn: asyncpg.Connection, data: SlaFacts, now: datetime) -> None:
    event = new_event(data, source=SOURCE, subject=str(data.ticket_id), time=now)
    await enqueue_event(conn=conn, event=event, topic=data.topic, key=str(data.ticket_id))


async def replan(
    *, conn: asyncpg.Connection, clock: ClockRecord, calendar: WorkingCalendar, now: datetime
) -> None:
    """Replace the clock's pending timers with those its state and policy call for now."""
    if clock.status != "running":
        await cancel_timers(conn=conn, clock_id=clock.id)
        return
    policy = await get_policy(conn=conn, name=clock.policy)
    timers = plan_timers(
        clock,
        calendar,
        warnings=policy.warnings if policy else [],
        escalation=await escalation_of(conn=conn, policy=policy),
        fired=await fired_keys(conn=conn, clock_id=clock.id),
    )
    await schedule_timers(conn=conn, clock_id=clock.id, timers=timers, now=now)


async def start_clock(
    *,
    conn: asyncpg.Connection,
    ticket: TicketProjection,
    policy: Policy,
    metric: Metric,
    cycle: int,
    at: datetime,
    now: datetime,
) -> ClockRecord | None:
    """Start a clock for the policy's target of `metric` (none if it sets no target, or if this
    cycle exists already); a ticket in a status the policy pauses on pauses it at once."""
    target = policy.target(metric)
    if target is None:
        return None
    calendar = await calendar_of(conn=conn, name=policy.calendar)
    clock = ClockRecord(
        id=uuid4(),
        ticket_id=ticket.ticket_id,
        metric=metric,
        cycle=cycle,
        policy=policy.name,
        calendar=policy.calendar,
        target_seconds=target,
        status="running",
        started_at=at,
        running_since=at,
        trace_carrier=current_trace_carrier(),
    )
    clock = replace(clock, due_at=clock.deadline(calendar))
    if not await insert_clock(conn=conn, clock=clock):
        return None
    assert clock.due_at is not None
    after_commit(conn, SLA_STARTED.labels(metric, policy.name).inc)
    await emit(
        conn=conn,
        data=SlaStarted(
            **sla_facts(clock, ticket), target_seconds=target, started_at=at, due_at=clock.due_at
        ),
        now=now,
    )
    if policy.clock_rules.pauses(ticket.status):
        return await pause_clock(
            conn=conn, clock=clock, ticket=ticket, at=at, reason=ticket.status, now=now
        )
    await replan(conn=conn, clock=clock, calendar=calendar, now=now)
    return clock


async def pause_clock(
    *,
    conn: asyncpg.Connection,
    clock: ClockRecord,
    ticket: TicketProjection,
    at: datetime,
    reason: str,
    now: datetime,
) -> ClockRecord:
    if clock.status != "running":
        return clock
    calendar = await calendar_of(conn=conn, name=clock.calendar)
    clock = paused(clock, calendar, at)
    await save_clock(conn=conn, clock=clock)
    await cancel_timers(conn=conn, clock_id=clock.id)
    await record_pause(conn=conn, clock_id=clock.id, paused_at=at, reason=reason)
    await emit(
        conn=conn, data=SlaPaused(**sla_facts(clock, ticket), reason=reason, paused_at=at), now=now
    )
    return clock


async def resume_clock(
    *,
    conn: asyncpg.Connection,
    clock: ClockRecord,
    ticket: TicketProjection,
    at: datetime,
    now: datetime,
) -> ClockRecord:
    if clock.status != "paused":
        return clock
    calendar = await calendar_of(conn=conn, name=clock.calendar)
    clock = resumed(clock, calendar, at)
    await save_clock(conn=conn, clock=clock)
    await record_resume(conn=conn, clock_id=clock.id, resumed_at=at)
    await replan(conn=conn, clock=clock, calendar=calendar, now=now)
    assert clock.due_at is not None
    await emit(
        conn=conn,
        data=SlaResumed(**sla_facts(clock, ticket), resumed_at=at, due_at=clock.due_at),
        now=now,
    )
    return clock


async def stop_clock(
    *,
    conn: asyncpg.Connection,
    clock: ClockRecord,
    ticket: TicketProjection | None,
    at: datetime,
    outcome: Literal["met", "cancelled"],
    reason: str,
    now: datetime,
) -> ClockRecord:
    """Meet or cancel an active clock; its pending warnings, breach and escalations go."""
    if not clock.active:
        return clock
    calendar = await calendar_of(conn=conn, name=clock.calendar)
    was_paused = clock.status == "paused"
    due_at = clock.deadline(calendar)
    clock = stopped(clock, calendar, at, status=outcome, reason=reason)
    if due_at is None:  # stopped while paused: the deadline it would have had from now
        due_at = replace(clock, running_since=clock.stopped_at).deadline(calendar)
    assert due_at is not None
    await save_clock(conn=conn, clock=replace(clock, due_at=due_at))
    await cancel_timers(conn=conn, clock_id=clock.id)
    if was_paused:
        await record_resume(conn=conn, clock_id=clock.id, resumed_at=at)
    facts = sla_facts(clock, ticket)
    if outcome == "met":
        result = "breached" if clock.breached_at is not None else "met"
        after_commit(
            conn, SLA_OUTCOMES.labels(clock.metric, clock.policy, team_label(ticket), result).inc
        )
        used = clock.used_seconds
        after_commit(
            conn, partial(SLA_BUSINESS_SECONDS.labels(clock.metric, clock.policy).observe, used)
        )
        data: SlaFacts = SlaMet(
            **facts, due_at=due_at, met_at=at, business_seconds_used=clock.used_seconds
        )
    else:
        cancelled = SLA_OUTCOMES.labels(clock.metric, clock.policy, team_label(ticket), "cancelled")
        after_commit(conn, cancelled.inc)
        data = SlaCancelled(**facts, reason=reason, cancelled_at=at)
    await emit(conn=conn, data=data, now=now)
    return clock


async def retarget_clock(
    *,
    conn: asyncpg.Connection,
    clock: ClockRecord,
    ticket: TicketProjection,
    policy: Policy | None,
    at: datetime,
    now: datetime,
) -> ClockRecord:
    """Apply the policy that now matches: a new target or calendar keeps the business time
    spent; a policy without a target for this metric cancels the clock."""
    if not clock.active:
        return clock
    target = policy.target(clock.metric) if policy else None
    if policy is None or target is None:
        return await stop_clock(
            conn=conn,
            clock=clock,
            ticket=ticket,
            at=at,
            outcome="cancelled",
            reason="policy_changed",
            now=now,
        )
    if (policy.name, policy.calendar, target) == (
        clock.policy,
        clock.calendar,
        clock.target_seconds,
    ):
        return clock
    old_calendar = await calendar_of(conn=conn, name=clock.calendar)
    new_calendar = await calendar_of(conn=conn, name=policy.calendar)
    previous_policy = clock.policy
    clock = retargeted(
        clock,
        old_calendar=old_calendar,
        new_calendar=new_calendar,
        policy=policy.name,
        calendar_name=policy.calendar,
        target_seconds=target,
        at=at,
    )
    await save_clock(conn=conn, clock=clock)
    await replan(conn=conn, clock=clock, calendar=new_calendar, now=now)
    await emit(
        conn=conn,
        data=SlaRecalculated(
            **sla_facts(clock, ticket),
            previous_policy=previous_policy,
            target_seconds=target,
            business_seconds_used=clock.used_seconds,
            due_at=clock.due_at,
            recalculated_at=at,
        ),
        now=now,
    )
    return clock
