"""The gauges worker: refreshes the counts over all replicas' work every so often."""

import asyncio
from datetime import datetime

import asyncpg

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import on_pool, run_work_loop
from ticketflow_sla.commands.gauges import refresh_gauges
from ticketflow_sla.settings import SlaSettings


async def run_gauges(runtime: Runtime[SlaSettings], stop: asyncio.Event) -> None:
    async def refresh(conn: asyncpg.Connection, now: datetime) -> int:
        await refresh_gauges(conn=conn, now=now)
        return 0  # nothing more is due until the next interval

    await run_work_loop(
        name="sla stats",
        work=on_pool(runtime.pool, runtime.clock, refresh),
        batch_size=1,
        max_idle_seconds=runtime.settings.stats_interval_seconds,
        stop=stop,
        clock=runtime.clock,
    )
