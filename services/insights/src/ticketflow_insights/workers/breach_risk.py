"""The breach-risk worker: assesses every running SLA clock every so often."""

import asyncio
from datetime import datetime

import asyncpg

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_every
from ticketflow_insights.commands.breach_risk import assess_open_tickets
from ticketflow_insights.settings import InsightsSettings


async def run_breach_risk(runtime: Runtime[InsightsSettings], stop: asyncio.Event) -> None:
    threshold = runtime.settings.breach_risk_threshold

    async def assess(*, conn: asyncpg.Connection, now: datetime) -> int:
        return await assess_open_tickets(conn=conn, now=now, threshold=threshold)

    await run_every(
        name="insights breach risk",
        seconds=runtime.settings.breach_risk_interval_seconds,
        command=assess,
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
    )
