"""Keeps notify's gauges (retry backlog, disabled endpoints) fresh."""

import asyncio

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_work_loop
from ticketflow_notify.commands.stats import refresh_gauges
from ticketflow_notify.settings import NotifySettings


async def run_stats(runtime: Runtime[NotifySettings], stop: asyncio.Event) -> None:
    async def refresh() -> int:
        async with runtime.pool.acquire() as conn:
            await refresh_gauges(conn=conn)
        return 0

    await run_work_loop(
        name="notify gauges",
        work=refresh,
        batch_size=1,
        max_idle_seconds=runtime.settings.stats_interval_seconds,
        stop=stop,
        clock=runtime.clock,
    )
