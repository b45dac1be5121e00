"""SLA clock transitions: pause, resume, meet, cancel, retarget, one per lifecycle step
(`domain/clock_lifecycle.py`; starts, several clocks at once, are in `clock_steps.py`). Each
stores the clock, replaces its pending timers and emits its event, all in the caller's
transaction, reading policies and calendars from the in-memory configuration."""

from dataclasses import replace
from datetime import datetime
from functools import partial

import asyncpg

from ticketflow_common.business_time import WorkingCalendar
from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.events import (
    SlaCancelled,
    SlaFacts,
    SlaMet,
    SlaPaused,
    SlaRecalculated,
    SlaResumed,
)
from ticketflow_common.outbox import emit
from ticketflow_sla.commands.metrics import SLA_BUSINESS_SECONDS, SLA_OUTCOMES, team_label
from ticketflow_sla.domain.clock_lifecycle import Pause, Resume, Retarget, Stop, Trigger
from ticketflow_sla.domain.configuration import Configuration
from ticketflow_sla.domain.sla_clocks import (
    ClockTarget,
    SlaClock,
    paused,
    resumed,
    retargeted,
    sla_facts,
    stopped,
)
from ticketflow_sla.domain.timers import plan_timers
from ticketflow_sla.store.sla_clocks import record_pause, record_resume, save_clock
from ticketflow_sla.store.timers import cancel_timers, fired_keys, schedule_timers


async def replan(
    *,
    conn: asyncpg.Connection,
    sla_clock: SlaClock,
    calendar: WorkingCalendar,
    configuration: Configuration,
    now: datetime,
) -> None:
    """Replace the clock's pending timers with those its state and policy call for now."""
    if sla_clock.status != "running":
        await cancel_timers(conn=conn, clock_id=sla_clock.id)
        return
    policy = configuration.policy(sla_clock.policy)
    timers = plan_timers(
        sla_clock,
        calendar,
        warnings=policy.warnings if policy else [],
        escalation=configuration.escalation_of(policy),
        fired=await fired_keys(conn=conn, clock_id=sla_clock.id),
    )
    await schedule_timers(conn=conn, clock_id=sla_clock.id, timers=timers, now=now)


async def _store(
    *,
    conn: asyncpg.Connection,
    sla_clock: SlaClock,
    calendar: WorkingCalendar,
    configuration: Configuration,
    now: datetime,
) -> None:
    """Store a transition of a clock and bring its pending timers in line with it."""
    await save_clock(conn=conn, sla_clock=sla_clock)
    await replan(
        conn=conn, sla_clock=sla_clock, calendar=calendar, configuration=configuration, now=now
    )


async def _emit(conn: asyncpg.Connection, data: SlaFacts, *, now: datetime) -> None:
    """An SLA event goes out under its ticket, so a ticket's events keep their order."""
    await emit(conn, data, subject=str(data.ticket_id), now=now)


async def pause_clock(
    *,
    conn: asyncpg.Connection,
    configuration: Configuration,
    step: Pause,
    trigger: Trigger,
    now: datetime,
) -> SlaClock:
    sla_clock, at = step.sla_clock, trigger.at
    if sla_clock.status != "running":
        return sla_clock
    calendar = configuration.calendar(sla_clock.calendar)
    sla_clock = paused(sla_clock, calendar, at)
    await _store(
        conn=conn, sla_clock=sla_clock, calendar=calendar, configuration=configuration, now=now
    )
    await record_pause(conn=conn, clock_id=sla_clock.id, paused_at=at, reason=step.reason)
    facts = sla_facts(sla_clock, trigger.ticket)
    await _emit(conn, SlaPaused(**facts, reason=step.reason, paused_at=at), now=now)
    return sla_clock


async def resume_clock(
    *,
    conn: asyncpg.Connection,
    configuration: Configuration,
    step: Resume,
    trigger: Trigger,
    now: datetime,
) -> SlaClock:
    sla_clock, at = step.sla_clock, trigger.at
    if sla_clock.status != "paused":
        return sla_clock
    calendar = configuration.calendar(sla_clock.calendar)
    sla_clock = resumed(sla_clock, calendar, at)
    await record_resume(conn=conn, clock_id=sla_clock.id, resumed_at=at)
    await _store(
        conn=conn, sla_clock=sla_clock, calendar=calendar, configuration=configuration, now=now
    )
    assert sla_clock.due_at is not None
    facts = sla_facts(sla_clock, trigger.ticket)
    await _emit(conn, SlaResumed(**facts, resumed_at=at, due_at=sla_clock.due_at), now=now)
    return sla_clock


async def stop_clock(
    *,
    conn: asyncpg.Connection,
    configuration: Configuration,
    step: Stop,
    trigger: Trigger,
    now: datetime,
) -> SlaClock:
    """Meet or cancel an active clock; its pending warnings, breach and escalations go."""
    sla_clock, at, outcome = step.sla_clock, trigger.at, step.outcome
    if not sla_clock.active:
        return sla_clock
    calendar = configuration.calendar(sla_clock.calendar)
    was_paused = sla_clock.status == "paused"
    due_at = sla_clock.deadline(calendar)
    sla_clock = stopped(sla_clock, calendar, at, status=outcome, reason=step.reason)
    if due_at is None:  # stopped while paused: the deadline it would have had from now
        due_at = replace(sla_clock, running_since=sla_clock.stopped_at).deadline(calendar)
    assert due_at is not None
    await _store(
        conn=conn,
        sla_clock=replace(sla_clock, due_at=due_at),
        calendar=calendar,
        configuration=configuration,
        now=now,
    )
    if was_paused:
        await record_resume(conn=conn, clock_id=sla_clock.id, resumed_at=at)
    facts = sla_facts(sla_clock, trigger.ticket)
    metric, policy, team = sla_clock.metric, sla_clock.policy, team_label(trigger.ticket)
    if outcome == "met":
        result = "breached" if sla_clock.breached_at is not None else "met"
        after_commit(conn, SLA_OUTCOMES.labels(metric, policy, team, result).inc)
        used = sla_clock.used_seconds
        after_commit(conn, partial(SLA_BUSINESS_SECONDS.labels(metric, policy).observe, used))
        data: SlaFacts = SlaMet(**facts, due_at=due_at, met_at=at, business_seconds_used=used)
    else:
        after_commit(conn, SLA_OUTCOMES.labels(metric, policy, team, "cancelled").inc)
        data = SlaCancelled(**facts, reason=step.reason, cancelled_at=at)
    await _emit(conn, data, now=now)
    return sla_clock


async def retarget_clock(
    *,
    conn: asyncpg.Connection,
    configuration: Configuration,
    step: Retarget,
    trigger: Trigger,
    now: datetime,
) -> SlaClock:
    """Apply the policy that now matches: a new target or calendar keeps the business time
    spent; a policy without a target for this metric cancels the clock."""
    sla_clock, policy = step.sla_clock, trigger.policy
    if not sla_clock.active:
        return sla_clock
    target = policy.target(sla_clock.metric) if policy else None
    if policy is None or target is None:
        cancel = Stop(sla_clock, "cancelled", "policy_changed")
        return await stop_clock(
            conn=conn, configuration=configuration, step=cancel, trigger=trigger, now=now
        )
    new_target = ClockTarget(policy=policy.name, calendar=policy.calendar, target_seconds=target)
    if new_target == sla_clock.target:
        return sla_clock
    old_calendar = configuration.calendar(sla_clock.calendar)
    new_calendar = configuration.calendar(policy.calendar)
    previous_policy = sla_clock.policy
    sla_clock = retargeted(
        sla_clock, new_target, old_calendar=old_calendar, new_calendar=new_calendar, at=trigger.at
    )
    await _store(
        conn=conn,
        sla_clock=sla_clock,
        calendar=new_calendar,
        configuration=configuration,
        now=now,
    )
    recalculated = SlaRecalculated(
        **sla_facts(sla_clock, trigger.ticket),
        previous_policy=previous_policy,
        target_seconds=target,
        business_seconds_used=sla_clock.used_seconds,
        due_at=sla_clock.due_at,
        recalculated_at=trigger.at,
    )
    await _emit(conn, recalculated, now=now)
    return sla_clock
