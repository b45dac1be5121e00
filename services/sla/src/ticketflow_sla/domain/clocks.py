"""SLA clocks: business time spent, deadlines, the timers a running clock needs, the API view."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel

from ticketflow_common.events.sla import Metric
from ticketflow_sla.domain.business_time import (
    WorkingCalendar,
    add_business_seconds,
    business_seconds_between,
)
from ticketflow_sla.domain.escalations import EscalationPolicyUpdate, escalation_due
from ticketflow_sla.domain.policies import WarningRule

ClockStatus = Literal["running", "paused", "met", "cancelled"]
ClockState = Literal["running", "paused", "breached", "met", "cancelled"]
TimerKind = Literal["warning", "breach", "escalation"]
TimerKey = tuple[str, str, int, int]
"""(kind, threshold, level, repeat): what makes a timer the same one after a recomputation."""


@dataclass(frozen=True)
class ClockRecord:
    """A clock as stored. Business time spent is `used_seconds` up to `running_since` (None
    while paused or stopped) plus whatever the calendar counts since then."""

    id: UUID
    ticket_id: UUID
    metric: Metric
    cycle: int
    policy: str
    calendar: str
    target_seconds: float
    status: ClockStatus
    started_at: datetime
    used_seconds: float = 0.0
    running_since: datetime | None = None
    due_at: datetime | None = None
    breached_at: datetime | None = None
    stopped_at: datetime | None = None
    stop_reason: str | None = None
    trace_carrier: dict[str, str] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.status in ("running", "paused")

    @property
    def state(self) -> ClockState:
        if self.status == "running" and self.breached_at is not None:
            return "breached"
        return self.status

    def used_at(self, calendar: WorkingCalendar, at: datetime) -> float:
        """Business seconds spent by `at`."""
        if self.running_since is None:
            return self.used_seconds
        return self.used_seconds + business_seconds_between(calendar, self.running_since, at)

    def deadline(self, calendar: WorkingCalendar) -> datetime | None:
        """When the target runs out at the current pace; the breach instant once breached."""
        if self.breached_at is not None:
            return self.breached_at
        if self.running_since is None:
            return None
        remaining = max(0.0, self.target_seconds - self.used_seconds)
        return add_business_seconds(calendar, self.running_since, remaining)


def paused(clock: ClockRecord, calendar: WorkingCalendar, at: datetime) -> ClockRecord:
    """Stop counting at `at`, keeping the business time spent."""
    at = max(at, clock.running_since or at)
    return replace(
        clock,
        status="paused",
        used_seconds=clock.used_at(calendar, at),
        running_since=None,
        due_at=clock.breached_at,
    )


def resumed(clock: ClockRecord, calendar: WorkingCalendar, at: datetime) -> ClockRecord:
    running = replace(clock, status="running", running_since=at)
    return replace(running, due_at=running.deadline(calendar))


def stopped(
    clock: ClockRecord,
    calendar: WorkingCalendar,
    at: datetime,
    *,
    status: Literal["met", "cancelled"],
    reason: str,
) -> ClockRecord:
    at = max(at, clock.running_since or at)
    return replace(
        clock,
        status=status,
        used_seconds=clock.used_at(calendar, at),
        running_since=None,
        stopped_at=at,
        stop_reason=reason,
    )


def retargeted(
    clock: ClockRecord,
    *,
    old_calendar: WorkingCalendar,
    new_calendar: WorkingCalendar,
    policy: str,
    calendar_name: str,
    target_seconds: float,
    at: datetime,
) -> ClockRecord:
    """Another policy now applies: keep the business time spent so far (counted in the old
    calendar up to `at`), count the rest in the new calendar against the new target."""
    running = clock.running_since is not None
    at = max(at, clock.running_since or at)
    moved = replace(
        clock,
        policy=policy,
        calendar=calendar_name,
        target_seconds=target_seconds,
        used_seconds=clock.used_at(old_calendar, at),
        running_since=at if running else None,
    )
    return replace(moved, due_at=moved.deadline(new_calendar))


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


def plan_timers(
    clock: ClockRecord,
    calendar: WorkingCalendar,
    *,
    warnings: Sequence[WarningRule],
    escalation: EscalationPolicyUpdate | None,
    fired: Iterable[TimerKey],
) -> list[PlannedTimer]:
    """Every timer a running clock still needs: warnings and the breach not yet fired, and the
    next firing of each escalation level. Nothing for a clock that is not running."""
    if clock.status != "running" or clock.running_since is None:
        return []
    deadline = clock.deadline(calendar)
    assert deadline is not None
    done = set(fired)
    planned: list[PlannedTimer] = []
    if clock.breached_at is None:
        for rule in warnings:
            point = rule.business_seconds_into(clock.target_seconds)
            if point is None or ("warning", rule.label, 0, 0) in done:
                continue
            due = add_business_seconds(
                calendar, clock.running_since, max(0.0, point - clock.used_seconds)
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


class PauseView(BaseModel):
    paused_at: datetime
    resumed_at: datetime | None
    reason: str


class ClockView(BaseModel):
    """A clock as `GET /tickets/{id}/sla` shows it."""

    id: UUID
    ticket_id: UUID
    metric: Metric
    cycle: int
    policy: str
    calendar: str
    state: ClockState
    breached: bool
    target_seconds: float
    started_at: datetime
    due_at: datetime | None
    stopped_at: datetime | None
    business_seconds_used: float
    business_seconds_remaining: float
    business_seconds_overdue: float
    pauses: list[PauseView]


def clock_view(
    clock: ClockRecord, calendar: WorkingCalendar, now: datetime, pauses: list[PauseView]
) -> ClockView:
    used = clock.used_at(calendar, now)
    return ClockView(
        id=clock.id,
        ticket_id=clock.ticket_id,
        metric=clock.metric,
        cycle=clock.cycle,
        policy=clock.policy,
        calendar=clock.calendar,
        state=clock.state,
        breached=clock.breached_at is not None,
        target_seconds=clock.target_seconds,
        started_at=clock.started_at,
        due_at=clock.due_at,
        stopped_at=clock.stopped_at,
        business_seconds_used=used,
        business_seconds_remaining=max(0.0, clock.target_seconds - used),
        business_seconds_overdue=max(0.0, used - clock.target_seconds),
        pauses=pauses,
    )
