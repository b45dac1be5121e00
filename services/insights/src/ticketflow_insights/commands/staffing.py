"""A team's staffing plan (forecast, handling time, required vs scheduled agents per interval)
and the announcement of the understaffed windows coming in the next hours."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg
from pydantic import BaseModel

from ticketflow_common.events.insights import StaffingGapForecast
from ticketflow_common.outbox import emit
from ticketflow_common.problems import not_found
from ticketflow_insights.commands.metrics import (
    INSIGHTS_REQUIRED_AGENTS,
    INSIGHTS_SCHEDULED_AGENTS,
    INSIGHTS_STAFFING_GAPS,
)
from ticketflow_insights.domain.staffing_plan import (
    GapWindow,
    PlannedInterval,
    arrivals_per_interval,
    gap_windows,
    interval_starts,
    match_announced,
    plan_intervals,
    scheduled_per_interval,
)
from ticketflow_insights.domain.targets import TeamTargets
from ticketflow_insights.settings import InsightsSettings
from ticketflow_insights.store import staffing as store
from ticketflow_insights.store.targets import targets_for


@dataclass(frozen=True)
class HandlingLearning:
    """How handling time is learned: the mean over `weeks` of resolved tickets, or
    `default_seconds` when fewer than `min_tickets` were resolved."""

    weeks: int = 8
    min_tickets: int = 20
    default_seconds: float = 900.0


def handling_learning(settings: InsightsSettings) -> HandlingLearning:
    """The learning rule the settings configure."""
    return HandlingLearning(
        weeks=settings.staffing_handling_weeks,
        min_tickets=settings.staffing_min_handled_tickets,
        default_seconds=settings.staffing_default_handle_seconds,
    )


class StaffingInterval(BaseModel):
    interval_start: datetime
    forecast_arrivals: float | None
    handle_seconds: float
    required_agents: int | None
    productive_agents: int | None
    scheduled_agents: int
    gap: int
    scheduled_service_level: float | None


class StaffingGapWindow(BaseModel):
    gap_id: UUID
    team: str
    starts_at: datetime
    ends_at: datetime
    interval_minutes: int
    forecast_arrivals: float
    required_agents: int
    scheduled_agents: int
    shortfall: int


class StaffingPlan(BaseModel):
    """Per interval what the team's target needs against who is on shift, and why."""

    team: str
    interval_minutes: int
    generated_at: datetime
    model: str
    service_level_target: float
    answer_within_seconds: float
    shrinkage: float
    patience_seconds: float | None
    handle_seconds: float
    handle_seconds_learned: bool
    handled_tickets: int
    intervals: list[StaffingInterval]
    gaps: list[StaffingGapWindow]


@dataclass(frozen=True)
class _TeamPlan:
    targets: TeamTargets
    handle_seconds: float
    learned: bool
    handled_tickets: int
    planned: list[PlannedInterval]


async def _plan(
    *,
    conn: asyncpg.Connection,
    team: str,
    now: datetime,
    interval_minutes: int,
    count: int,
    learning: HandlingLearning,
) -> _TeamPlan:
    starts = interval_starts(now=now, interval_minutes=interval_minutes, count=count)
    end = starts[-1] + timedelta(minutes=interval_minutes)
    targets = await targets_for(conn=conn, team=team)
    sample = await store.handling_sample(
        conn=conn, team=team, since=now - timedelta(weeks=learning.weeks), until=now
    )
    learned = sample.tickets >= learning.min_tickets and sample.mean_seconds is not None
    handle = sample.mean_seconds if learned and sample.mean_seconds else learning.default_seconds
    rows = await store.forecast_rows(conn=conn, team=team, start=starts[0], end=end)
    schedules = await store.team_schedules(conn=conn, team=team)
    planned = plan_intervals(
        starts=starts,
        arrivals=arrivals_per_interval(rows=rows, starts=starts, interval_minutes=interval_minutes),
        scheduled=scheduled_per_interval(
            agents=schedules, starts=starts, interval_minutes=interval_minutes
        ),
        handle_seconds=handle,
        interval_minutes=interval_minutes,
        targets=targets,
    )
    return _TeamPlan(targets, handle, learned, sample.tickets, planned)


async def staffing_plan(
    *,
    conn: asyncpg.Connection,
    team: str,
    now: datetime,
    days: int,
    interval_minutes: int,
    learning: HandlingLearning = HandlingLearning(),
) -> StaffingPlan:
    """The team's plan for the next `days` from the current interval; 404 for a team insights
    has not heard of."""
    if team not in await store.known_teams(conn=conn, now=now):
        raise not_found(f"team {team} not found")
    plan = await _plan(
        conn=conn,
        team=team,
        now=now,
        interval_minutes=interval_minutes,
        count=days * 24 * 60 // interval_minutes,
        learning=learning,
    )
    targets = plan.targets
    return StaffingPlan(
        team=team,
        interval_minutes=interval_minutes,
        generated_at=now,
        model="erlang_c" if targets.patience_seconds is None else "erlang_a",
        service_level_target=targets.service_level,
        answer_within_seconds=targets.first_response_seconds,
        shrinkage=targets.shrinkage,
        patience_seconds=targets.patience_seconds,
        handle_seconds=plan.handle_seconds,
        handle_seconds_learned=plan.learned,
        handled_tickets=plan.handled_tickets,
        intervals=[_interval_view(p) for p in plan.planned],
        gaps=[
            _window_view(w)
            for w in gap_windows(team=team, planned=plan.planned, interval_minutes=interval_minutes)
        ],
    )


async def coming_gaps(
    *,
    conn: asyncpg.Connection,
    now: datetime,
    hours: float,
    interval_minutes: int,
    teams: frozenset[str] | None = None,
    learning: HandlingLearning = HandlingLearning(),
) -> list[StaffingGapWindow]:
    """Understaffed windows of every team (or of `teams`) in the next `hours`, by start."""
    found: list[StaffingGapWindow] = []
    for team in await store.known_teams(conn=conn, now=now):
        if teams is not None and team not in teams:
            continue
        windows, _ = await _team_windows(
            conn=conn,
            team=team,
            now=now,
            hours=hours,
            interval_minutes=interval_minutes,
            learning=learning,
        )
        found.extend(_window_view(w) for w in windows)
    return sorted(found, key=lambda w: (w.starts_at, w.team))


async def _team_windows(
    *,
    conn: asyncpg.Connection,
    team: str,
    now: datetime,
    hours: float,
    interval_minutes: int,
    learning: HandlingLearning,
) -> tuple[list[GapWindow], PlannedInterval]:
    """The team's gap windows over the horizon (an ongoing announced one keeping its id) and
    its current interval."""
    count = max(1, int(hours * 60 // interval_minutes))
    plan = await _plan(
        conn=conn,
        team=team,
        now=now,
        interval_minutes=interval_minutes,
        count=count,
        learning=learning,
    )
    horizon_start = plan.planned[0].interval_start
    windows = gap_windows(team=team, planned=plan.planned, interval_minutes=interval_minutes)
    announced = await store.published_gaps(conn=conn, team=team, since=horizon_start)
    windows = match_announced(
        windows,
        announced=[_stored_window(row) for row in announced.values()],
        horizon_start=horizon_start,
    )
    return windows, plan.planned[0]


async def publish_gap_forecasts(
    *,
    conn: asyncpg.Connection,
    now: datetime,
    hours: float = 48.0,
    interval_minutes: int = 30,
    learning: HandlingLearning = HandlingLearning(),
) -> int:
    """Announce each team's coming understaffed windows once (`staffing.gap_forecast`), again
    under the same id only when a window's shortfall changed or its start moved; returns how
    many were announced."""
    announced = 0
    for team in await store.known_teams(conn=conn, now=now):
        async with conn.transaction():
            await store.lock_team_gaps(conn=conn, team=team)
            windows, current = await _team_windows(
                conn=conn,
                team=team,
                now=now,
                hours=hours,
                interval_minutes=interval_minutes,
                learning=learning,
            )
            published = await store.published_gaps(conn=conn, team=team, since=now)
            targets = await targets_for(conn=conn, team=team)
            lead = await store.team_lead(conn=conn, team=team)
            for window in windows:
                before = published.get(window.gap_id)
                announce = before is None or (before["shortfall"], before["starts_at"]) != (
                    window.shortfall,
                    window.starts_at,
                )
                if announce:
                    await emit(conn, _event(window, targets, lead, now), subject=team, now=now)
                    announced += 1
                await store.record_gap(conn=conn, window=window, published=announce, now=now)
        INSIGHTS_REQUIRED_AGENTS.labels(team).set(current.required_agents or 0)
        INSIGHTS_SCHEDULED_AGENTS.labels(team).set(current.scheduled_agents)
        INSIGHTS_STAFFING_GAPS.labels(team).set(len(windows))
    return announced


def _event(
    window: GapWindow, targets: TeamTargets, lead: store.TeamLead, now: datetime
) -> StaffingGapForecast:
    return StaffingGapForecast(
        gap_id=window.gap_id,
        team=window.team,
        team_name=lead.name,
        starts_at=window.starts_at,
        ends_at=window.ends_at,
        interval_minutes=window.interval_minutes,
        forecast_arrivals=window.forecast_arrivals,
        required_agents=window.required_agents,
        scheduled_agents=window.scheduled_agents,
        shortfall=window.shortfall,
        service_level_target=targets.service_level,
        answer_within_seconds=targets.first_response_seconds,
        team_lead_id=lead.lead_agent_id,
        team_lead_email=lead.lead_email,
        forecast_at=now,
    )


def _stored_window(row: asyncpg.Record) -> GapWindow:
    return GapWindow(
        gap_id=row["gap_id"],
        team=row["team"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        interval_minutes=row["interval_minutes"],
        forecast_arrivals=row["forecast_arrivals"],
        required_agents=row["required_agents"],
        scheduled_agents=row["scheduled_agents"],
        shortfall=row["shortfall"],
    )


def _interval_view(p: PlannedInterval) -> StaffingInterval:
    return StaffingInterval(
        interval_start=p.interval_start,
        forecast_arrivals=p.forecast_arrivals,
        handle_seconds=p.handle_seconds,
        required_agents=p.required_agents,
        productive_agents=p.productive_agents,
        scheduled_agents=p.scheduled_agents,
        gap=p.gap,
        scheduled_service_level=p.scheduled_service_level,
    )


def _window_view(w: GapWindow) -> StaffingGapWindow:
    return StaffingGapWindow(
        gap_id=w.gap_id,
        team=w.team,
        starts_at=w.starts_at,
        ends_at=w.ends_at,
        interval_minutes=w.interval_minutes,
        forecast_arrivals=w.forecast_arrivals,
        required_agents=w.required_agents,
        scheduled_agents=w.scheduled_agents,
        shortfall=w.shortfall,
    )
