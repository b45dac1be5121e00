"""The gauges worker: recounts active rules and pending rule timers every few seconds."""

import asyncio

from ticketflow_automation.commands.gauges import refresh_gauges
from ticketflow_automation.settings import AutomationSettings
from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_every


async def run_gauges(runtime: Runtime[AutomationSettings], stop: asyncio.Event) -> None:
    await run_every(
        name="automation gauges",
        seconds=runtime.settings.stats_interval_seconds,
        command=refresh_gauges,
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
    )
