"""SLA timers: which warnings, breach and escalations a running clock still needs, and what a
due timer produces when it fires."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

from ticketflow_common.business_time import WorkingCalendar, add_business_seconds
from ticketflow_common.events import SlaBreached, SlaEscalated, SlaWarning
from ticketflow_sla.domain.escalations import (
    EscalationPolicyUpdate,
    escalation_due,
    resolve_targets,
)
from ticketflow_sla.domain.policies import WarningRule
from ticketflow_sla.domain.sla_clocks import SlaClock, sla_facts
from ticketflow_sla.domain.tickets import TicketProjection

TimerKind = Literal["warning", "breach", "escalation"]
TimerKey = tuple[str, str, int, int]
"""(kind, threshold, level, repeat): what makes a timer the same one after a recomputation."""


@dataclass(frozen=True)
class PlannedTimer:
    kind: TimerKind
    due_at: datetime
    threshold: str = ""
    level: int = 0
    repeat: int = 0

    @property
    def key(self) -> TimerKey:
        return (self.kind, self.threshold, self.level, self.repeat)


@dataclass(frozen=True)
class DueTimer:
    """A stored timer claimed for firing."""

    id: int
    clock_id: UUID
    kind: TimerKind
    threshold: str
    level: int
    repeat: int
    due_at: datetime


def plan_timers(
    sla_clock: SlaClock,
    calendar: WorkingCalendar,
    *,
    warnings: Sequence[WarningRule],
    escalation: EscalationPolicyUpdate | None,
    fired: Iterable[TimerKey],
) -> list[PlannedTimer]:
    """Every timer a running clock still needs: warnings and the breach not yet fired, and the
    next firing of each escalation level. Nothing for a clock that is not running."""
    if sla_clock.status != "running" or sla_clock.running_since is None:
        return []
    deadline = sla_clock.deadline(calendar)
    assert deadline is not None
    done = set(fired)
    planned: list[PlannedTimer] = []
    if sla_clock.breached_at is None:
        for rule in warnings:
            point = rule.business_seconds_into(sla_clock.target_seconds)
            if point is None or ("warning", rule.label, 0, 0) in done:
                continue
            due = add_business_seconds(
                calendar, sla_clock.running_since, max(0.0, point - sla_clock.used_seconds)
            )
            planned.append(PlannedTimer("warning", due, threshold=rule.label))
        planned.append(PlannedTimer("breach", deadline))
    for number, level in enumerate(escalation.levels if escalation else [], start=1):
        repeats = [key[3] for key in done if key[0] == "escalation" and key[2] == number]
        repeat = max(repeats) + 1 if repeats else 0
        if repeat <= level.repeat:
            due = escalation_due(level, deadline=deadline, repeat=repeat)
            planned.append(PlannedTimer("escalation", due, level=number, repeat=repeat))
    return planned


@dataclass(frozen=True)
class Firing:
    """What one due timer of a running clock produces: its event, the breach instant to record
    (breach timers) and the next firing of an escalation level that repeats."""

    event: SlaWarning | SlaBreached | SlaEscalated
    breached_at: datetime | None = None
    repeat: PlannedTimer | None = None


def fire(
    timer: DueTimer,
    sla_clock: SlaClock,
    ticket: TicketProjection | None,
    *,
    escalation: EscalationPolicyUpdate | None,
    now: datetime,
) -> Firing | None:
    """The firing of `timer` at `now`; None for an escalation level the policy no longer has."""
    facts = sla_facts(sla_clock, ticket)
    deadline = sla_clock.breached_at or sla_clock.due_at or timer.due_at
    if timer.kind == "warning":
        warning = SlaWarning(
            **facts,
            threshold=timer.threshold,
            due_at=deadline,
            fired_at=now,
            timer_due_at=timer.due_at,
        )
        return Firing(warning)
    if timer.kind == "breach":
        breached = SlaBreached(**facts, due_at=timer.due_at, fired_at=now)
        return Firing(breached, breached_at=timer.due_at)
    if escalation is None or not 0 < timer.level <= len(escalation.levels):
        return None
    level = escalation.levels[timer.level - 1]
    escalated = SlaEscalated(
        **facts,
        level=timer.level,
        targets=resolve_targets(level, ticket or TicketProjection(sla_clock.ticket_id)),
        repeat=timer.repeat,
        due_at=deadline,
        fired_at=now,
        timer_due_at=timer.due_at,
    )
    if timer.repeat >= level.repeat:
        return Firing(escalated)
    repeat = timer.repeat + 1
    due = escalation_due(level, deadline=deadline, repeat=repeat)
    return Firing(
        escalated, repeat=PlannedTimer("escalation", due, level=timer.level, repeat=repeat)
    )
