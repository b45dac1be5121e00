"""Carrying out the lifecycle steps a ticket event calls for, in order: the clocks that start
together (a new ticket's first response and resolution) in one statement each for the clocks,
their events and their timers; every other step by its transition (`clock_transitions.py`)."""

from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from itertools import groupby
from typing import Any, Protocol, TypeVar
from uuid import uuid4

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.events import SlaStarted
from ticketflow_common.outbox import enqueue_events, event_for
from ticketflow_common.tracing import current_trace_carrier
from ticketflow_sla.commands.clock_transitions import (
    pause_clock,
    resume_clock,
    retarget_clock,
    stop_clock,
)
from ticketflow_sla.commands.metrics import SLA_STARTED
from ticketflow_sla.domain.clock_lifecycle import (
    Pause,
    Resume,
    Retarget,
    Start,
    Step,
    Stop,
    Trigger,
)
from ticketflow_sla.domain.configuration import Configuration
from ticketflow_sla.domain.sla_clocks import SlaClock, sla_facts
from ticketflow_sla.domain.timers import plan_timers
from ticketflow_sla.store.sla_clocks import insert_clocks
from ticketflow_sla.store.timers import insert_timers


async def start_clocks(
    *,
    conn: asyncpg.Connection,
    configuration: Configuration,
    starts: Sequence[Start],
    trigger: Trigger,
    now: datetime,
) -> None:
    """Start a clock for each step whose metric the policy sets a target for (none without a
    known ticket and policy; none for a cycle that exists already); a ticket in a status the
    policy pauses on pauses each at once, clock by clock, so its events keep their order."""
    ticket, policy, at = trigger.ticket, trigger.policy, trigger.at
    if ticket is None or policy is None:
        return
    if policy.clock_rules.pauses(ticket.status) and len(starts) > 1:
        for step in starts:
            await start_clocks(
                conn=conn, configuration=configuration, starts=[step], trigger=trigger, now=now
            )
        return
    calendar = configuration.calendar(policy.calendar)
    planned: list[SlaClock] = []
    for step in starts:
        target = policy.target(step.metric)
        if target is None:
            continue
        sla_clock = SlaClock(
            id=uuid4(),
            ticket_id=ticket.ticket_id,
            metric=step.metric,
            cycle=step.cycle,
            policy=policy.name,
            calendar=policy.calendar,
            target_seconds=target,
            status="running",
            started_at=at,
            running_since=at,
            trace_carrier=current_trace_carrier(),
        )
        planned.append(replace(sla_clock, due_at=sla_clock.deadline(calendar)))
    if not planned:
        return
    created = await insert_clocks(conn=conn, clocks=planned)
    started = [c for c in planned if c.id in created]
    subject, carrier = str(ticket.ticket_id), current_trace_carrier()
    events = []
    for sla_clock in started:
        assert sla_clock.due_at is not None
        after_commit(conn, SLA_STARTED.labels(sla_clock.metric, policy.name).inc)
        data = SlaStarted(
            **sla_facts(sla_clock, ticket),
            target_seconds=sla_clock.target_seconds,
            started_at=at,
            due_at=sla_clock.due_at,
        )
        events.append((event_for(data, subject=subject, now=now), data.topic, subject, carrier))
    await enqueue_events(conn=conn, events=events)
    if policy.clock_rules.pauses(ticket.status):
        for sla_clock in started:
            pause = Pause(sla_clock, ticket.status)
            await pause_clock(
                conn=conn, configuration=configuration, step=pause, trigger=trigger, now=now
            )
        return
    # Clocks just made have no timers yet, fired or pending, and their policy is the trigger's.
    escalation = configuration.escalation_of(policy)
    timers = [
        (sla_clock.id, timer)
        for sla_clock in started
        for timer in plan_timers(
            sla_clock, calendar, warnings=policy.warnings, escalation=escalation, fired=set()
        )
    ]
    await insert_timers(conn=conn, timers=timers, now=now)


StepT = TypeVar("StepT", contravariant=True)


class Transition(Protocol[StepT]):
    def __call__(
        self,
        *,
        conn: asyncpg.Connection,
        configuration: Configuration,
        step: StepT,
        trigger: Trigger,
        now: datetime,
    ) -> Awaitable[SlaClock]: ...


TRANSITIONS: Mapping[type[Step], Transition[Any]] = {
    Stop: stop_clock,
    Pause: pause_clock,
    Resume: resume_clock,
    Retarget: retarget_clock,
}
"""The transition that carries out each kind of step on an existing clock."""


async def carry_out(
    *,
    conn: asyncpg.Connection,
    configuration: Configuration,
    steps: Sequence[Step],
    trigger: Trigger,
    now: datetime,
) -> None:
    """Carry out the steps in order: each run of starts together, every other step alone."""
    for starting, run in groupby(steps, key=lambda s: isinstance(s, Start)):
        if starting:
            starts = [s for s in run if isinstance(s, Start)]
            await start_clocks(
                conn=conn, configuration=configuration, starts=starts, trigger=trigger, now=now
            )
            continue
        for step in run:
            await TRANSITIONS[type(step)](
                conn=conn, configuration=configuration, step=step, trigger=trigger, now=now
            )
