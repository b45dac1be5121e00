"""The gauges worker: refreshes the counts over the facts every so often."""

import asyncio

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_every
from ticketflow_insights.commands.gauges import refresh_gauges
from ticketflow_insights.settings import InsightsSettings


async def run_gauges(runtime: Runtime[InsightsSettings], stop: asyncio.Event) -> None:
    await run_every(
        name="insights stats",
        seconds=runtime.settings.stats_interval_seconds,
        command=refresh_gauges,
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
    )
