"""Keeps notify's gauges (retry backlog, disabled endpoints) fresh."""

import asyncio

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_every
from ticketflow_notify.commands.stats import refresh_gauges
from ticketflow_notify.settings import NotifySettings


async def run_stats(runtime: Runtime[NotifySettings], stop: asyncio.Event) -> None:
    await run_every(
        name="notify gauges",
        seconds=runtime.settings.stats_interval_seconds,
        command=refresh_gauges,
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
    )
