"""The gauges worker: refreshes the counts over all replicas' work every so often."""

import asyncio

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_work_loop
from ticketflow_sla.commands.gauges import refresh_gauges
from ticketflow_sla.settings import SlaSettings


async def run_gauges(runtime: Runtime[SlaSettings], stop: asyncio.Event) -> None:
    async def refresh() -> int:
        async with runtime.pool.acquire() as conn:
            await refresh_gauges(conn=conn, now=runtime.clock())
        return 0

    await run_work_loop(
        name="sla stats",
        work=refresh,
        batch_size=1,
        max_idle_seconds=runtime.settings.stats_interval_seconds,
        stop=stop,
        clock=runtime.clock,
    )
