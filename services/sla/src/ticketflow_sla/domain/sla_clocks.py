"""SLA clocks, one per ticket, metric and cycle: business time spent, deadlines, the transitions
(pause, resume, stop, retarget), the facts every SLA event carries and the API view."""

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel

from ticketflow_common.business_time import (
    WorkingCalendar,
    add_business_seconds,
    business_seconds_between,
)
from ticketflow_common.events.sla import Metric
from ticketflow_sla.domain.tickets import TicketProjection

ClockStatus = Literal["running", "paused", "met", "cancelled"]
ClockState = Literal["running", "paused", "breached", "met", "cancelled"]


@dataclass(frozen=True)
class ClockTarget:
    """What a clock is held to: its policy's target, counted in that policy's calendar."""

    policy: str
    calendar: str
    target_seconds: float


@dataclass(frozen=True)
class SlaClock:
    """An SLA clock as stored. Business time spent is `used_seconds` up to `running_since`
    (None while paused or stopped) plus whatever the calendar counts since then."""

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
    def target(self) -> ClockTarget:
        return ClockTarget(self.policy, self.calendar, self.target_seconds)

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


def paused(sla_clock: SlaClock, calendar: WorkingCalendar, at: datetime) -> SlaClock:
    """Stop counting at `at`, keeping the business time spent."""
    at = max(at, sla_clock.running_since or at)
    return replace(
        sla_clock,
        status="paused",
        used_seconds=sla_clock.used_at(calendar, at),
        running_since=None,
        due_at=sla_clock.breached_at,
    )


def resumed(sla_clock: SlaClock, calendar: WorkingCalendar, at: datetime) -> SlaClock:
    running = replace(sla_clock, status="running", running_since=at)
    return replace(running, due_at=running.deadline(calendar))


def stopped(
    sla_clock: SlaClock,
    calendar: WorkingCalendar,
    at: datetime,
    *,
    status: Literal["met", "cancelled"],
    reason: str,
) -> SlaClock:
    at = max(at, sla_clock.running_since or at)
    return replace(
        sla_clock,
        status=status,
        used_seconds=sla_clock.used_at(calendar, at),
        running_since=None,
        stopped_at=at,
        stop_reason=reason,
    )


def retargeted(
    sla_clock: SlaClock,
    target: ClockTarget,
    *,
    old_calendar: WorkingCalendar,
    new_calendar: WorkingCalendar,
    at: datetime,
) -> SlaClock:
    """Another policy now applies: keep the business time spent so far (counted in the old
    calendar up to `at`), count the rest in the new calendar against the new target."""
    running = sla_clock.running_since is not None
    at = max(at, sla_clock.running_since or at)
    moved = replace(
        sla_clock,
        policy=target.policy,
        calendar=target.calendar,
        target_seconds=target.target_seconds,
        used_seconds=sla_clock.used_at(old_calendar, at),
        running_since=at if running else None,
    )
    return replace(moved, due_at=moved.deadline(new_calendar))


def sla_facts(sla_clock: SlaClock, ticket: TicketProjection | None) -> dict[str, Any]:
    """The fields every SLA event carries."""
    return {
        "ticket_id": sla_clock.ticket_id,
        "clock_id": sla_clock.id,
        "metric": sla_clock.metric,
        "policy": sla_clock.policy,
        "cycle": sla_clock.cycle,
        "priority": ticket.priority if ticket else None,
        "team": ticket.effective_team if ticket else None,
        "assignee_id": ticket.assignee_id if ticket else None,
    }


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
    sla_clock: SlaClock, calendar: WorkingCalendar, now: datetime, pauses: list[PauseView]
) -> ClockView:
    """The view shows the clock's own fields as they are, and the business time as of `now`."""
    used = sla_clock.used_at(calendar, now)
    return ClockView.model_validate(
        {
            **asdict(sla_clock),
            "state": sla_clock.state,
            "breached": sla_clock.breached_at is not None,
            "business_seconds_used": used,
            "business_seconds_remaining": max(0.0, sla_clock.target_seconds - used),
            "business_seconds_overdue": max(0.0, used - sla_clock.target_seconds),
            "pauses": pauses,
        }
    )
