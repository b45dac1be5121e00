"""The forecast workers: a full refit every few hours, today's re-forecast every quarter hour,
and the forecast-vs-actual gauges as often as the other gauges."""

import asyncio
from collections.abc import Coroutine
from datetime import datetime
from typing import Any

import asyncpg

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import Periodic, run_every
from ticketflow_insights.commands.forecasts import (
    refit_and_reforecast,
    reforecast_intraday,
    refresh_forecast_gauges,
)
from ticketflow_insights.settings import InsightsSettings


async def run_forecasts(runtime: Runtime[InsightsSettings], stop: asyncio.Event) -> None:
    settings = runtime.settings

    async def refit(*, conn: asyncpg.Connection, now: datetime) -> None:
        await refit_and_reforecast(
            conn=conn,
            now=now,
            calendar=settings.holiday_calendar,
            intervals=settings.forecast_intervals,
            weeks=settings.forecast_weeks,
            history_weeks=settings.forecast_history_weeks,
            folds=settings.forecast_backtest_folds,
            retention_days=settings.forecast_retention_days,
            hours=settings.forecast_intraday_hours,
        )

    async def intraday(*, conn: asyncpg.Connection, now: datetime) -> None:
        await reforecast_intraday(
            conn=conn,
            now=now,
            calendar=settings.holiday_calendar,
            intervals=settings.forecast_intervals,
            hours=settings.forecast_intraday_hours,
        )

    async def gauges(*, conn: asyncpg.Connection, now: datetime) -> None:
        await refresh_forecast_gauges(conn=conn, now=now, calendar=settings.holiday_calendar)

    def every(name: str, seconds: float, command: Periodic) -> Coroutine[Any, Any, None]:
        return run_every(
            name=name,
            seconds=seconds,
            command=command,
            pool=runtime.pool,
            clock=runtime.clock,
            stop=stop,
        )

    async with asyncio.TaskGroup() as group:
        group.create_task(every("insights forecast refit", settings.forecast_refit_seconds, refit))
        group.create_task(
            every("insights intraday re-forecast", settings.forecast_intraday_seconds, intraday)
        )
        group.create_task(
            every("insights forecast gauges", settings.stats_interval_seconds, gauges)
        )
