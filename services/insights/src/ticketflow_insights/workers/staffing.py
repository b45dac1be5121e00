"""The staffing worker: re-plans every team's coming hours and announces new or changed gaps."""

import asyncio
from datetime import datetime

import asyncpg

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_every
from ticketflow_insights.commands.staffing import handling_learning, publish_gap_forecasts
from ticketflow_insights.settings import InsightsSettings


async def run_staffing(runtime: Runtime[InsightsSettings], stop: asyncio.Event) -> None:
    settings = runtime.settings

    async def publish(*, conn: asyncpg.Connection, now: datetime) -> None:
        await publish_gap_forecasts(
            conn=conn,
            now=now,
            hours=settings.staffing_gap_horizon_hours,
            interval_minutes=settings.staffing_interval_minutes,
            learning=handling_learning(settings),
        )

    await run_every(
        name="insights staffing gaps",
        seconds=settings.staffing_interval_seconds,
        command=publish,
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
    )
