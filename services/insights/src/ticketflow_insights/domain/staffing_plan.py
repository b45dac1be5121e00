"""A team's staffing plan per interval and its understaffed windows: pure, the store feeds it."""

import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from ticketflow_common.shifts import Shift, shift_periods
from ticketflow_insights.domain.staffing import (
    IntervalDemand,
    ServiceTarget,
    StaffingRequirement,
    required_agents,
    service_performance,
)
from ticketflow_insights.domain.targets import TeamTargets

GAP_NAMESPACE = uuid.UUID("4d1f8a52-6c1e-4f0b-9a57-3b1d2c0e7f14")
"""uuid5 namespace of gap ids: one team's window starting at one instant is one gap."""
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
"""Intervals align to this origin, as Postgres's date_bin does for the forecasts."""
ON_SHIFT_SHARE = 0.5
"""An agent counts in an interval when on shift for at least this share of it."""


@dataclass(frozen=True)
class AgentSchedule:
    """One agent's weekly shifts (None: always on shift, []: never) in their time zone."""

    shifts: list[Shift] | None
    time_zone: str


@dataclass(frozen=True)
class ForecastRow:
    """One stored forecast interval, at whatever granularity the forecaster wrote it."""

    interval_minutes: int
    interval_start: datetime
    arrivals: float


@dataclass(frozen=True)
class PlannedInterval:
    """What one interval needs and has: `required_agents` on the roster (after shrinkage) for
    the target, `scheduled_agents` on shift, and the service level the scheduled ones reach.
    Without a forecast the interval has no requirement (None) and no gap."""

    interval_start: datetime
    forecast_arrivals: float | None
    handle_seconds: float
    required_agents: int | None
    productive_agents: int | None
    scheduled_agents: int
    scheduled_service_level: float | None

    @property
    def gap(self) -> int:
        """Agents missing from the roster (0 when staffed or unknown)."""
        if self.required_agents is None:
            return 0
        return max(0, self.required_agents - self.scheduled_agents)


@dataclass(frozen=True)
class GapWindow:
    """Consecutive understaffed intervals of one team, merged into one window to announce."""

    gap_id: uuid.UUID
    team: str
    starts_at: datetime
    ends_at: datetime
    interval_minutes: int
    forecast_arrivals: float
    required_agents: int
    scheduled_agents: int
    shortfall: int


def interval_starts(*, now: datetime, interval_minutes: int, count: int) -> list[datetime]:
    """`count` interval starts from the one containing `now`, aligned to EPOCH."""
    step = timedelta(minutes=interval_minutes)
    first = EPOCH + step * ((now - EPOCH) // step)
    return [first + step * index for index in range(count)]


def scheduled_per_interval(
    *, agents: Iterable[AgentSchedule], starts: Sequence[datetime], interval_minutes: int
) -> list[int]:
    """Agents on shift in each of the consecutive intervals (for at least ON_SHIFT_SHARE of
    it); agents on the same rotation in the same zone are evaluated once."""
    counts = [0] * len(starts)
    if not starts:
        return counts
    on_shift_by_rotation: dict[tuple[str, str], list[int]] = {}
    for agent in agents:
        rotation = (repr(agent.shifts), agent.time_zone)
        if rotation not in on_shift_by_rotation:
            on_shift_by_rotation[rotation] = _on_shift_intervals(agent, starts, interval_minutes)
        for index in on_shift_by_rotation[rotation]:
            counts[index] += 1
    return counts


def _on_shift_intervals(
    agent: AgentSchedule, starts: Sequence[datetime], interval_minutes: int
) -> list[int]:
    step = interval_minutes * 60.0
    first = starts[0]
    end = first + timedelta(seconds=step * len(starts))
    covered: dict[int, float] = {}
    for on, off in shift_periods(agent.shifts, agent.time_zone, first, end):
        begin_at, end_at = (on - first).total_seconds() / step, (off - first).total_seconds() / step
        for index in range(math.floor(begin_at), min(len(starts), math.ceil(end_at))):
            share = min(end_at, index + 1) - max(begin_at, index)
            covered[index] = covered.get(index, 0.0) + share
    return [index for index, share in covered.items() if share >= ON_SHIFT_SHARE - 1e-9]


def arrivals_per_interval(
    *, rows: Iterable[ForecastRow], starts: Sequence[datetime], interval_minutes: int
) -> list[float | None]:
    """Forecast arrivals per consecutive interval, from the rows of one length that cover it
    whole: the same length first, else the coarsest finer one (summed), else the finest coarser
    one (its share of the overlap). A row not aligned to the intervals (a forecast in local
    half-hour zones) counts by its overlap. None where no length covers an interval."""
    if not starts:
        return []
    step = interval_minutes * 60.0
    first = starts[0]
    sums: dict[int, dict[int, float]] = {}
    cover: dict[int, dict[int, float]] = {}
    for row in rows:
        length = row.interval_minutes * 60.0
        begin_at = (row.interval_start - first).total_seconds() / step
        end_at = begin_at + length / step
        for index in range(max(0, math.floor(begin_at)), min(len(starts), math.ceil(end_at))):
            overlap = min(end_at, index + 1) - max(begin_at, index)  # in intervals
            if overlap <= 0:
                continue
            by_index = sums.setdefault(row.interval_minutes, {})
            by_index[index] = by_index.get(index, 0.0) + row.arrivals * overlap * step / length
            covered = cover.setdefault(row.interval_minutes, {})
            covered[index] = covered.get(index, 0.0) + overlap
    preference = (
        [m for m in sums if m == interval_minutes]
        + sorted((m for m in sums if m < interval_minutes), reverse=True)
        + sorted(m for m in sums if m > interval_minutes)
    )
    found: list[float | None] = []
    for index in range(len(starts)):
        whole = [m for m in preference if cover[m].get(index, 0.0) >= 1 - 1e-9]
        found.append(sums[whole[0]][index] if whole else None)
    return found


def service_target(targets: TeamTargets) -> ServiceTarget:
    """The team's first-response target as the queue's service-level target."""
    return ServiceTarget(
        share=targets.service_level,
        answer_within_seconds=targets.first_response_seconds,
        shrinkage=targets.shrinkage,
    )


def plan_intervals(
    *,
    starts: Sequence[datetime],
    arrivals: Sequence[float | None],
    scheduled: Sequence[int],
    handle_seconds: float,
    interval_minutes: int,
    targets: TeamTargets,
) -> list[PlannedInterval]:
    """Required (Erlang C, or Erlang A with a patience) vs scheduled agents per interval."""
    target = service_target(targets)
    requirements: dict[float, StaffingRequirement] = {}  # forecasts repeat; the math need not
    planned = []
    for start, forecast, on_roster in zip(starts, arrivals, scheduled, strict=True):
        if forecast is None:
            planned.append(
                PlannedInterval(start, None, handle_seconds, None, None, on_roster, None)
            )
            continue
        demand = IntervalDemand(
            arrivals=forecast,
            interval_seconds=interval_minutes * 60.0,
            mean_handle_seconds=handle_seconds,
            mean_patience_seconds=targets.patience_seconds,
        )
        if forecast not in requirements:
            requirements[forecast] = required_agents(demand=demand, target=target)
        requirement = requirements[forecast]
        productive_on_roster = math.floor(on_roster * (1 - target.shrinkage) + 1e-9)
        reached = service_performance(demand=demand, agents=productive_on_roster, target=target)
        planned.append(
            PlannedInterval(
                interval_start=start,
                forecast_arrivals=forecast,
                handle_seconds=handle_seconds,
                required_agents=requirement.scheduled_agents,
                productive_agents=requirement.productive_agents,
                scheduled_agents=on_roster,
                scheduled_service_level=reached.service_level,
            )
        )
    return planned


def gap_id(team: str, starts_at: datetime) -> uuid.UUID:
    """The stable id of a team's window starting at `starts_at`."""
    return uuid.uuid5(GAP_NAMESPACE, f"{team}|{starts_at.astimezone(UTC).isoformat()}")


def gap_windows(
    *, team: str, planned: Sequence[PlannedInterval], interval_minutes: int
) -> list[GapWindow]:
    """Runs of consecutive understaffed intervals as windows, in time order."""
    step = timedelta(minutes=interval_minutes)
    runs: list[list[PlannedInterval]] = []
    for interval in sorted(planned, key=lambda p: p.interval_start):
        if interval.gap == 0:
            continue
        if runs and runs[-1][-1].interval_start + step == interval.interval_start:
            runs[-1].append(interval)
        else:
            runs.append([interval])
    return [_window(team, run, interval_minutes) for run in runs]


def _window(team: str, run: list[PlannedInterval], interval_minutes: int) -> GapWindow:
    starts_at = run[0].interval_start
    return GapWindow(
        gap_id=gap_id(team, starts_at),
        team=team,
        starts_at=starts_at,
        ends_at=run[-1].interval_start + timedelta(minutes=interval_minutes),
        interval_minutes=interval_minutes,
        forecast_arrivals=sum(p.forecast_arrivals or 0.0 for p in run),
        required_agents=max(p.required_agents or 0 for p in run),
        scheduled_agents=min(p.scheduled_agents for p in run),
        shortfall=max(p.gap for p in run),
    )


def match_announced(
    windows: Sequence[GapWindow], *, announced: Sequence[GapWindow], horizon_start: datetime
) -> list[GapWindow]:
    """Windows carrying the id of the announced window each overlaps (each id once), so a gap
    that moved, grew or shrank is the same gap to the team lead; one still going on at the
    horizon's start also keeps the start it was announced with."""
    unused = sorted(announced, key=lambda w: w.starts_at)
    matched = []
    for window in windows:
        before = next(
            (w for w in unused if w.starts_at < window.ends_at and window.starts_at < w.ends_at),
            None,
        )
        if before is None:
            matched.append(window)
            continue
        unused.remove(before)
        ongoing = window.starts_at == horizon_start and before.starts_at < horizon_start
        matched.append(
            replace(
                window,
                gap_id=before.gap_id,
                starts_at=before.starts_at if ongoing else window.starts_at,
            )
        )
    return matched
