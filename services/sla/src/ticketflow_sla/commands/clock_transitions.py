"""SLA clock transitions: start, pause, resume, meet, cancel, retarget. Each stores the clock,
replaces its pending timers and emits its event, all in the caller's transaction."""

from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Literal
from uuid import uuid4

import asyncpg

from ticketflow_common.commit_hooks import after_commit
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
from ticketflow_common.outbox import emit
from ticketflow_common.tracing import current_trace_carrier
from ticketflow_sla.commands.calendars import calendar_of
from ticketflow_sla.commands.metrics import (
    SLA_BUSINESS_SECONDS,
    SLA_OUTCOMES,
    SLA_STARTED,
    team_label,
)
from ticketflow_sla.commands.policies import escalation_of
from ticketflow_sla.domain.business_time import WorkingCalendar
from ticketflow_sla.domain.policies import Policy
from ticketflow_sla.domain.sla_clocks import (
    SlaClock,
    paused,
    resumed,
    retargeted,
    sla_facts,
    stopped,
)
from ticketflow_sla.domain.tickets import TicketProjection
from ticketflow_sla.domain.timers import plan_timers
from ticketflow_sla.store.policies import get_policy
from ticketflow_sla.store.sla_clocks import insert_clock, record_pause, record_resume, save_clock
from ticketflow_sla.store.timers import cancel_timers, fired_keys, schedule_timers


async def replan(
    *, conn: asyncpg.Connection, sla_clock: SlaClock, calendar: WorkingCalendar, now: datetime
) -> None:
    """Replace the clock's pending timers with those its state and policy call for now."""
    if sla_clock.status != "running":
        await cancel_timers(conn=conn, clock_id=sla_clock.id)
        return
    policy = await get_policy(conn=conn, name=sla_clock.policy)
    timers = plan_timers(
        sla_clock,
        calendar,
        warnings=policy.warnings if policy else [],
        escalation=await escalation_of(conn=conn, policy=policy),
        fired=await fired_keys(conn=conn, clock_id=sla_clock.id),
    )
    await schedule_timers(conn=conn, clock_id=sla_clock.id, timers=timers, now=now)


async def start_clock(
    *,
    conn: asyncpg.Connection,
    ticket: TicketProjection,
    policy: Policy,
    metric: Metric,
    cycle: int,
    at: datetime,
    now: datetime,
) -> SlaClock | None:
    """Start a clock for the policy's target of `metric` (none if it sets no target, or if this
    cycle exists already); a ticket in a status the policy pauses on pauses it at once."""
    target = policy.target(metric)
    if target is None:
        return None
    calendar = await calendar_of(conn=conn, name=policy.calendar)
    sla_clock = SlaClock(
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
    sla_clock = replace(sla_clock, due_at=sla_clock.deadline(calendar))
    if not await insert_clock(conn=conn, sla_clock=sla_clock):
        return None
    assert sla_clock.due_at is not None
    after_commit(conn, SLA_STARTED.labels(metric, policy.name).inc)
    await emit(
        conn,
        SlaStarted(
            **sla_facts(sla_clock, ticket),
            target_seconds=target,
            started_at=at,
            due_at=sla_clock.due_at,
        ),
        subject=str(sla_clock.ticket_id),
        now=now,
    )
    if policy.clock_rules.pauses(ticket.status):
        return await pause_clock(
            conn=conn, sla_clock=sla_clock, ticket=ticket, at=at, reason=ticket.status, now=now
        )
    await replan(conn=conn, sla_clock=sla_clock, calendar=calendar, now=now)
    return sla_clock


async def pause_clock(
    *,
    conn: asyncpg.Connection,
    sla_clock: SlaClock,
    ticket: TicketProjection | None,
    at: datetime,
    reason: str,
    now: datetime,
) -> SlaClock:
    if sla_clock.status != "running":
        return sla_clock
    calendar = await calendar_of(conn=conn, name=sla_clock.calendar)
    sla_clock = paused(sla_clock, calendar, at)
    await save_clock(conn=conn, sla_clock=sla_clock)
    await cancel_timers(conn=conn, clock_id=sla_clock.id)
    await record_pause(conn=conn, clock_id=sla_clock.id, paused_at=at, reason=reason)
    data = SlaPaused(**sla_facts(sla_clock, ticket), reason=reason, paused_at=at)
    await emit(conn, data, subject=str(sla_clock.ticket_id), now=now)
    return sla_clock


async def resume_clock(
    *,
    conn: asyncpg.Connection,
    sla_clock: SlaClock,
    ticket: TicketProjection | None,
    at: datetime,
    now: datetime,
) -> SlaClock:
    if sla_clock.status != "paused":
        return sla_clock
    calendar = await calendar_of(conn=conn, name=sla_clock.calendar)
    sla_clock = resumed(sla_clock, calendar, at)
    await save_clock(conn=conn, sla_clock=sla_clock)
    await record_resume(conn=conn, clock_id=sla_clock.id, resumed_at=at)
    await replan(conn=conn, sla_clock=sla_clock, calendar=calendar, now=now)
    assert sla_clock.due_at is not None
    data = SlaResumed(**sla_facts(sla_clock, ticket), resumed_at=at, due_at=sla_clock.due_at)
    await emit(conn, data, subject=str(sla_clock.ticket_id), now=now)
    return sla_clock


async def stop_clock(
    *,
    conn: asyncpg.Connection,
    sla_clock: SlaClock,
    ticket: TicketProjection | None,
    at: datetime,
    outcome: Literal["met", "cancelled"],
    reason: str,
    now: datetime,
) -> SlaClock:
    """Meet or cancel an active clock; its pending warnings, breach and escalations go."""
    if not sla_clock.active:
        return sla_clock
    calendar = await calendar_of(conn=conn, name=sla_clock.calendar)
    was_paused = sla_clock.status == "paused"
    due_at = sla_clock.deadline(calendar)
    sla_clock = stopped(sla_clock, calendar, at, status=outcome, reason=reason)
    if due_at is None:  # stopped while paused: the deadline it would have had from now
        due_at = replace(sla_clock, running_since=sla_clock.stopped_at).deadline(calendar)
    assert due_at is not None
    await save_clock(conn=conn, sla_clock=replace(sla_clock, due_at=due_at))
    await cancel_timers(conn=conn, clock_id=sla_clock.id)
    if was_paused:
        await record_resume(conn=conn, clock_id=sla_clock.id, resumed_at=at)
    facts = sla_facts(sla_clock, ticket)
    metric, policy, team = sla_clock.metric, sla_clock.policy, team_label(ticket)
    if outcome == "met":
        result = "breached" if sla_clock.breached_at is not None else "met"
        after_commit(conn, SLA_OUTCOMES.labels(metric, policy, team, result).inc)
        used = sla_clock.used_seconds
        after_commit(conn, partial(SLA_BUSINESS_SECONDS.labels(metric, policy).observe, used))
        data: SlaFacts = SlaMet(**facts, due_at=due_at, met_at=at, business_seconds_used=used)
    else:
        after_commit(conn, SLA_OUTCOMES.labels(metric, policy, team, "cancelled").inc)
        data = SlaCancelled(**facts, reason=reason, cancelled_at=at)
    await emit(conn, data, subject=str(sla_clock.ticket_id), now=now)
    return sla_clock


async def retarget_clock(
    *,
    conn: asyncpg.Connection,
    sla_clock: SlaClock,
    ticket: TicketProjection | None,
    policy: Policy | None,
    at: datetime,
    now: datetime,
) -> SlaClock:
    """Apply the policy that now matches: a new target or calendar keeps the business time
    spent; a policy without a target for this metric cancels the clock."""
    if not sla_clock.active:
        return sla_clock
    target = policy.target(sla_clock.metric) if policy else None
    if policy is None or target is None:
        return await stop_clock(
            conn=conn,
            sla_clock=sla_clock,
            ticket=ticket,
            at=at,
            outcome="cancelled",
            reason="policy_changed",
            now=now,
        )
    current = (sla_clock.policy, sla_clock.calendar, sla_clock.target_seconds)
    if (policy.name, policy.calendar, target) == current:
        return sla_clock
    old_calendar = await calendar_of(conn=conn, name=sla_clock.calendar)
    new_calendar = await calendar_of(conn=conn, name=policy.calendar)
    previous_policy = sla_clock.policy
    sla_clock = retargeted(
        sla_clock,
        old_calendar=old_calendar,
        new_calendar=new_calendar,
        policy=policy.name,
        calendar_name=policy.calendar,
        target_seconds=target,
        at=at,
    )
    await save_clock(conn=conn, sla_clock=sla_clock)
    await replan(conn=conn, sla_clock=sla_clock, calendar=new_calendar, now=now)
    await emit(
        conn,
        SlaRecalculated(
            **sla_facts(sla_clock, ticket),
            previous_policy=previous_policy,
            target_seconds=target,
            business_seconds_used=sla_clock.used_seconds,
            due_at=sla_clock.due_at,
            recalculated_at=at,
        ),
        subject=str(sla_clock.ticket_id),
        now=now,
    )
    return sla_clock
