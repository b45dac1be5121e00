"""What the forecast routes answer: stored forecasts and accuracy, for whoever may see them."""

from datetime import datetime, timedelta

import asyncpg
from pydantic import BaseModel

from ticketflow_common.problems import ProblemError, not_found
from ticketflow_insights.commands.forecasts import local_midnight, steps_between
from ticketflow_insights.domain.access import Viewer
from ticketflow_insights.domain.forecast import after
from ticketflow_insights.store.forecasts import (
    arrival_counts,
    has_forecasts,
    holiday_calendar,
    stored_accuracy,
    stored_forecasts,
    team_is_known,
)


class ForecastInterval(BaseModel):
    interval_start: datetime
    arrivals: float
    lower: float | None
    upper: float | None
    source: str
    actual: int | None = None
    """Arrivals so far; only for intervals already begun (the intraday view)."""


class TeamForecast(BaseModel):
    team: str
    interval_minutes: int
    generated_at: datetime | None
    intervals: list[ForecastInterval]


class ForecastAccuracy(BaseModel):
    team: str
    interval_minutes: int
    model_wape: float | None
    baseline_wape: float | None
    folds: int
    history_days: int
    computed_at: datetime
    beats_baseline: bool | None
    """None when the backtest had too little history to score either."""


async def _check_team(*, conn: asyncpg.Connection, viewer: Viewer, team: str) -> None:
    """403 unless an admin or the team's lead; then 404 for a team insights has not heard of."""
    if not viewer.may_see_team(team):
        raise ProblemError(403, f"only an admin or the lead of team {team} sees its forecast")
    if not await team_is_known(conn=conn, team=team):
        raise not_found(f"team {team} not found")


async def _forecast_rows(
    *,
    conn: asyncpg.Connection,
    team: str,
    interval_minutes: int,
    start: datetime,
    end: datetime,
) -> TeamForecast:
    if not await has_forecasts(conn=conn, team=team, interval_minutes=interval_minutes):
        raise not_found(
            f"no {interval_minutes}-minute forecast for team {team} yet (under a week of"
            " arrivals, or that interval is not in INSIGHTS_FORECAST_INTERVALS)"
        )
    rows = await stored_forecasts(
        conn=conn, team=team, interval_minutes=interval_minutes, start=start, end=end
    )
    return TeamForecast(
        team=team,
        interval_minutes=interval_minutes,
        generated_at=max((r["generated_at"] for r in rows), default=None),
        intervals=[
            ForecastInterval(
                interval_start=r["interval_start"],
                arrivals=r["arrivals"],
                lower=r["lower"],
                upper=r["upper"],
                source=r["source"],
            )
            for r in rows
        ],
    )


async def _current_interval(
    *, conn: asyncpg.Connection, calendar: str, now: datetime, interval: timedelta
) -> datetime:
    zone = (await holiday_calendar(conn=conn, name=calendar)).time_zone
    today = local_midnight(now, zone)
    return after(today, steps_between(today, now, interval) * interval)


async def team_forecast(
    *,
    conn: asyncpg.Connection,
    viewer: Viewer,
    team: str,
    interval_minutes: int,
    start: datetime | None,
    weeks: int,
    now: datetime,
    calendar: str,
) -> TeamForecast:
    await _check_team(conn=conn, viewer=viewer, team=team)
    interval = timedelta(minutes=interval_minutes)
    first = start or await _current_interval(
        conn=conn, calendar=calendar, now=now, interval=interval
    )
    return await _forecast_rows(
        conn=conn,
        team=team,
        interval_minutes=interval_minutes,
        start=first,
        end=first + timedelta(weeks=weeks),
    )


async def intraday_forecast(
    *,
    conn: asyncpg.Connection,
    viewer: Viewer,
    team: str,
    interval_minutes: int,
    hours: int,
    now: datetime,
    calendar: str,
) -> TeamForecast:
    await _check_team(conn=conn, viewer=viewer, team=team)
    interval = timedelta(minutes=interval_minutes)
    first = await _current_interval(conn=conn, calendar=calendar, now=now, interval=interval)
    view = await _forecast_rows(
        conn=conn,
        team=team,
        interval_minutes=interval_minutes,
        start=first,
        end=first + timedelta(hours=hours),
    )
    counts = await arrival_counts(
        conn=conn, team=team, start=first, end=first + interval, interval=interval
    )
    if view.intervals and view.intervals[0].interval_start == first:
        view.intervals[0].actual = sum(counts.values())
    return view


async def forecast_accuracy(
    *, conn: asyncpg.Connection, viewer: Viewer, team: str, interval_minutes: int
) -> ForecastAccuracy:
    await _check_team(conn=conn, viewer=viewer, team=team)
    row = await stored_accuracy(conn=conn, team=team, interval_minutes=interval_minutes)
    if row is None:
        raise not_found(f"no {interval_minutes}-minute forecast accuracy for team {team} yet")
    model, baseline = row["model_wape"], row["baseline_wape"]
    return ForecastAccuracy(
        team=team,
        interval_minutes=interval_minutes,
        model_wape=model,
        baseline_wape=baseline,
        folds=row["folds"],
        history_days=row["history_days"],
        computed_at=row["computed_at"],
        beats_baseline=None if model is None or baseline is None else model < baseline,
    )
