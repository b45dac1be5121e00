"""The gauges worker: refreshes the counts over all replicas' work every so often."""

import asyncio

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_every
from ticketflow_sla.commands.gauges import refresh_gauges
from ticketflow_sla.settings import SlaSettings


async def run_gauges(runtime: Runtime[SlaSettings], stop: asyncio.Event) -> None:
    await run_every(
        name="sla stats",
        seconds=runtime.settings.stats_interval_seconds,
        command=refresh_gauges,
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
    )
