"""Refit every team's arrivals forecast, re-forecast today from what arrived, set the gauges.

Days are local to the holiday calendar's zone: a refit learns from whole local days up to
today's midnight and forecasts from that midnight on, so today's model figures stay fixed for
the intraday re-forecast to compare against.
"""

import asyncio
import gc
import logging
import time as timer
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import asyncpg
from threadpoolctl import threadpool_limits

from ticketflow_insights.commands.metrics import (
    INSIGHTS_ACTUAL_ARRIVALS,
    INSIGHTS_FORECAST_ARRIVALS,
    INSIGHTS_FORECAST_WAPE,
)
from ticketflow_insights.domain.forecast import ArrivalSeries, after
from ticketflow_insights.domain.forecast_fit import TeamFit, fit_team, rescale_today
from ticketflow_insights.store.forecasts import (
    accuracy_rows,
    arrival_counts,
    current_figures,
    forecast_teams,
    holiday_calendar,
    model_figures,
    prune_forecasts,
    replace_forecasts,
    rescale_forecasts,
    save_accuracy,
    teams_with_arrivals,
)

log = logging.getLogger(__name__)
GAUGE_INTERVAL_MINUTES = 30


@dataclass(frozen=True)
class ForecastRun:
    """One team's refit at one interval length: what it stored and how long the fit took."""

    team: str
    interval_minutes: int
    source: str
    rows: int
    fit_seconds: float
    model_wape: float | None
    baseline_wape: float | None
    history_days: int


def local_midnight(moment: datetime, zone: ZoneInfo) -> datetime:
    return datetime.combine(moment.astimezone(zone).date(), time(), tzinfo=zone)


def next_midnight(midnight: datetime) -> datetime:
    return datetime.combine(midnight.date() + timedelta(days=1), time(), tzinfo=midnight.tzinfo)


def steps_between(start: datetime, end: datetime, interval: timedelta) -> int:
    """Whole intervals of real time from `start` to `end` (zone-aware, DST included)."""
    return (end.astimezone(UTC) - start.astimezone(UTC)) // interval


async def arrival_history(
    *, conn: asyncpg.Connection, team: str, start: datetime, end: datetime, interval: timedelta
) -> ArrivalSeries:
    """The team's arrivals per interval from `start` to `end`, intervals without any as 0."""
    counts = await arrival_counts(conn=conn, team=team, start=start, end=end, interval=interval)
    by_instant = {moment.timestamp(): n for moment, n in counts.items()}
    steps = steps_between(start, end, interval)
    shell = ArrivalSeries(start=start, interval=interval, counts=(0.0,) * steps)
    values = tuple(float(by_instant.get(moment.timestamp(), 0)) for moment in shell.starts())
    return ArrivalSeries(start=start, interval=interval, counts=values)


def _fit_in_thread(
    history: ArrivalSeries, holidays: frozenset[date], weeks: int, folds: int
) -> TeamFit | None:
    with threadpool_limits(limits=1):  # one core per fit: the host's are shared
        fit = fit_team(history=history, holidays=holidays, weeks=weeks, folds=folds)
    # statsmodels' results sit in reference cycles: without a collection 50 fits in a row
    # pile up to ~1 GiB (measured by bench/insights_planning.py), with one ~110 MiB.
    gc.collect()
    return fit


async def refresh_forecasts(
    *,
    conn: asyncpg.Connection,
    now: datetime,
    calendar: str = "default",
    intervals: Sequence[int] = (30,),
    weeks: int = 4,
    history_weeks: int = 12,
    folds: int = 3,
    retention_days: int = 35,
) -> list[ForecastRun]:
    """Fit, backtest and store `weeks` of forecast from today for every team with arrivals in
    the last `history_weeks`; fits run in a worker thread so the event loop keeps serving."""
    holidays = await holiday_calendar(conn=conn, name=calendar)
    today = local_midnight(now, holidays.time_zone)
    earliest = datetime.combine(
        today.date() - timedelta(weeks=history_weeks), time(), tzinfo=holidays.time_zone
    )
    runs: list[ForecastRun] = []
    for team, first in (await teams_with_arrivals(conn=conn, since=earliest)).items():
        start = max(earliest, local_midnight(first, holidays.time_zone))
        for minutes in intervals:
            interval = timedelta(minutes=minutes)
            history = await arrival_history(
                conn=conn, team=team, start=start, end=today, interval=interval
            )
            began = timer.perf_counter()
            try:
                fit = await asyncio.to_thread(
                    _fit_in_thread, history, holidays.holidays, weeks, folds
                )
            except (ValueError, ArithmeticError):  # one odd history must not stop the others
                log.exception(
                    "forecast fit failed", extra={"team": team, "interval_minutes": minutes}
                )
                continue
            seconds = timer.perf_counter() - began
            if fit is None:
                continue
            runs.append(
                await _store_fit(
                    conn=conn, team=team, minutes=minutes, fit=fit, now=now, fit_seconds=seconds
                )
            )
    await prune_forecasts(conn=conn, before=now - timedelta(days=retention_days))
    for run in runs:
        log.info(
            "forecast refit",
            extra={
                "team": run.team,
                "interval_minutes": run.interval_minutes,
                "fit_seconds": round(run.fit_seconds, 3),
                "model_wape": run.model_wape,
                "baseline_wape": run.baseline_wape,
            },
        )
    return runs


async def _store_fit(
    *,
    conn: asyncpg.Connection,
    team: str,
    minutes: int,
    fit: TeamFit,
    now: datetime,
    fit_seconds: float,
) -> ForecastRun:
    accuracy = fit.accuracy
    model_wape = accuracy.model_wape if accuracy else None
    baseline_wape = accuracy.baseline_wape if accuracy else None
    async with conn.transaction():
        rows = await replace_forecasts(
            conn=conn,
            team=team,
            interval_minutes=minutes,
            band=fit.band,
            source=fit.source,
            generated_at=now,
        )
        await save_accuracy(
            conn=conn,
            team=team,
            interval_minutes=minutes,
            model_wape=model_wape,
            baseline_wape=baseline_wape,
            folds=len(accuracy.folds) if accuracy else 0,
            history_days=fit.history_days,
            computed_at=now,
        )
    if minutes == GAUGE_INTERVAL_MINUTES and accuracy is not None:
        INSIGHTS_FORECAST_WAPE.labels(team, "model").set(accuracy.model_wape)
        INSIGHTS_FORECAST_WAPE.labels(team, "seasonal_naive").set(accuracy.baseline_wape)
    return ForecastRun(
        team=team,
        interval_minutes=minutes,
        source=fit.source,
        rows=rows,
        fit_seconds=fit_seconds,
        model_wape=model_wape,
        baseline_wape=baseline_wape,
        history_days=fit.history_days,
    )


async def reforecast_intraday(
    *,
    conn: asyncpg.Connection,
    now: datetime,
    calendar: str = "default",
    intervals: Sequence[int] = (30,),
    hours: int = 8,
) -> int:
    """Rescale the next `hours` of today (never past midnight) by today's arrivals so far
    against the model's figures so far; returns how many rows became 'intraday'."""
    zone = (await holiday_calendar(conn=conn, name=calendar)).time_zone
    today = local_midnight(now, zone)
    tomorrow = next_midnight(today)
    changed = 0
    for minutes in intervals:
        interval = timedelta(minutes=minutes)
        elapsed = steps_between(today, now, interval)
        if elapsed < 1:
            continue  # nothing observed yet: the ratio would be 1
        current = after(today, elapsed * interval)
        for team in await forecast_teams(conn=conn, interval_minutes=minutes):
            figures = await model_figures(
                conn=conn, team=team, interval_minutes=minutes, start=today, end=tomorrow
            )
            day = ArrivalSeries(start=today, interval=interval, counts=tuple(a for _, a in figures))
            if len(figures) != steps_between(today, tomorrow, interval) or [
                s.timestamp() for s, _ in figures
            ] != [s.timestamp() for s in day.starts()]:
                continue  # no whole day of model figures (the team's first refit is today's)
            observed = await arrival_history(
                conn=conn, team=team, start=today, end=current, interval=interval
            )
            band, _ = rescale_today(
                today=day, observed=list(observed.counts), limit=hours * 60 // minutes
            )
            changed += await rescale_forecasts(
                conn=conn, team=team, interval_minutes=minutes, band=band, generated_at=now
            )
    return changed


async def refit_and_reforecast(
    *,
    conn: asyncpg.Connection,
    now: datetime,
    calendar: str = "default",
    intervals: Sequence[int] = (30,),
    weeks: int = 4,
    history_weeks: int = 12,
    folds: int = 3,
    retention_days: int = 35,
    hours: int = 8,
) -> list[ForecastRun]:
    """A refit replaces today's rows with the model's; today's arrivals then rescale them."""
    runs = await refresh_forecasts(
        conn=conn,
        now=now,
        calendar=calendar,
        intervals=intervals,
        weeks=weeks,
        history_weeks=history_weeks,
        folds=folds,
        retention_days=retention_days,
    )
    await reforecast_intraday(
        conn=conn, now=now, calendar=calendar, intervals=intervals, hours=hours
    )
    return runs


async def refresh_forecast_gauges(
    *, conn: asyncpg.Connection, now: datetime, calendar: str = "default"
) -> None:
    """Forecast and actual arrivals of the current 30-minute interval; the stored WAPEs."""
    zone = (await holiday_calendar(conn=conn, name=calendar)).time_zone
    today = local_midnight(now, zone)
    interval = timedelta(minutes=GAUGE_INTERVAL_MINUTES)
    current = after(today, steps_between(today, now, interval) * interval)
    figures = await current_figures(
        conn=conn, interval_minutes=GAUGE_INTERVAL_MINUTES, start=current
    )
    for team, (forecast, actual) in figures.items():
        INSIGHTS_FORECAST_ARRIVALS.labels(team).set(forecast or 0.0)
        INSIGHTS_ACTUAL_ARRIVALS.labels(team).set(actual)
    for row in await accuracy_rows(conn=conn, interval_minutes=GAUGE_INTERVAL_MINUTES):
        if row["model_wape"] is not None and row["baseline_wape"] is not None:
            INSIGHTS_FORECAST_WAPE.labels(row["team"], "model").set(row["model_wape"])
            INSIGHTS_FORECAST_WAPE.labels(row["team"], "seasonal_naive").set(row["baseline_wape"])
