"""The reports worker: every so often, publishes the reports whose period has ended."""

import asyncio
from datetime import datetime, timedelta

import asyncpg

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_every
from ticketflow_insights.commands.reports import publish_due_reports
from ticketflow_insights.settings import InsightsSettings


async def run_reports(runtime: Runtime[InsightsSettings], stop: asyncio.Event) -> None:
    time_zone = runtime.settings.reports_time_zone
    grace = timedelta(seconds=runtime.settings.reports_grace_seconds)

    async def publish(*, conn: asyncpg.Connection, now: datetime) -> None:
        await publish_due_reports(conn=conn, now=now, time_zone=time_zone, grace=grace)

    await run_every(
        name="insights reports",
        seconds=runtime.settings.reports_interval_seconds,
        command=publish,
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
    )
