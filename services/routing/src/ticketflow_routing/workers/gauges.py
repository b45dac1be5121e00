"""Routing's gauges, refreshed every few seconds."""

import asyncio

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_every
from ticketflow_routing.commands.gauges import refresh_gauges
from ticketflow_routing.settings import RoutingSettings


async def run_gauges(runtime: Runtime[RoutingSettings], stop: asyncio.Event) -> None:
    await run_every(
        name="routing gauges",
        seconds=runtime.settings.gauges_interval_seconds,
        command=refresh_gauges,
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
    )
