"""Routing's gauges, refreshed every few seconds."""

import asyncio

from ticketflow_common.runtime import Runtime
from ticketflow_routing.commands.gauges import refresh_gauges
from ticketflow_routing.settings import RoutingSettings
from ticketflow_routing.workers.schedules import run_every


async def run_gauges(runtime: Runtime[RoutingSettings], stop: asyncio.Event) -> None:
    await run_every(
        runtime,
        stop,
        name="routing gauges",
        seconds=runtime.settings.gauges_interval_seconds,
        command=refresh_gauges,
    )
