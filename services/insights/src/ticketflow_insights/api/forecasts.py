"""Thin routes for a team's arrivals forecast, today's re-forecast and the forecast's accuracy."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from ticketflow_common.input_model import Instant
from ticketflow_common.problems import invalid_field
from ticketflow_insights.api.deps import NowDep, PoolDep, SettingsDep, ViewerDep
from ticketflow_insights.commands.forecast_views import (
    ForecastAccuracy,
    TeamForecast,
    forecast_accuracy,
    intraday_forecast,
    team_forecast,
)

router = APIRouter(tags=["forecasts"])

Team = Annotated[str, Path(min_length=1, max_length=100, description="The team's id.")]
IntervalQuery = Annotated[
    int, Query(ge=15, le=60, description="Interval length in minutes: 15, 30 or 60.")
]
INTERVALS = (15, 30, 60)


def _interval(minutes: int) -> int:
    if minutes not in INTERVALS:
        raise invalid_field("query:interval", "15, 30 or 60 (minutes)")
    return minutes


@router.get("/forecasts/{team}")
async def read_forecast(
    team: Team,
    viewer: ViewerDep,
    pool: PoolDep,
    now: NowDep,
    settings: SettingsDep,
    interval: IntervalQuery = 30,
    weeks: Annotated[int, Query(ge=1, le=12, description="Weeks from `from`.")] = 4,
    start: Annotated[
        Instant | None,
        Query(alias="from", description="First interval; the current one unless given."),
    ] = None,
) -> TeamForecast:
    """Expected arrivals per interval with a 90% band and where each figure comes from
    (model, intraday re-forecast, or baseline on a short history). Admins or the team's lead."""
    if start is not None and start.tzinfo is None:
        raise invalid_field("query:from", "needs a time zone offset")
    async with pool.acquire() as conn:
        return await team_forecast(
            conn=conn,
            viewer=viewer,
            team=team,
            interval_minutes=_interval(interval),
            start=start,
            weeks=weeks,
            now=now,
            calendar=settings.holiday_calendar,
        )


@router.get("/forecasts/{team}/intraday")
async def read_intraday(
    team: Team,
    viewer: ViewerDep,
    pool: PoolDep,
    now: NowDep,
    settings: SettingsDep,
    hours: Annotated[int, Query(ge=1, le=48, description="Hours from the current interval.")] = 8,
    interval: IntervalQuery = 30,
) -> TeamForecast:
    """The next hours from the current interval, with the arrivals so far of those begun."""
    async with pool.acquire() as conn:
        return await intraday_forecast(
            conn=conn,
            viewer=viewer,
            team=team,
            interval_minutes=_interval(interval),
            hours=hours,
            now=now,
            calendar=settings.holiday_calendar,
        )


@router.get("/forecasts/{team}/accuracy")
async def read_accuracy(
    team: Team, viewer: ViewerDep, pool: PoolDep, interval: IntervalQuery = 30
) -> ForecastAccuracy:
    """The latest rolling backtest: model and seasonal-naive WAPE over the same weeks."""
    async with pool.acquire() as conn:
        return await forecast_accuracy(
            conn=conn, viewer=viewer, team=team, interval_minutes=_interval(interval)
        )
