"""Keeps the backlog gauge current: a refresh every few seconds, on the shared work loop."""

import asyncio

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_work_loop
from ticketflow_intake.commands.backlog import refresh_backlog
from ticketflow_intake.settings import IntakeSettings

REFRESH_SECONDS = 5.0


async def run_backlog_gauge(runtime: Runtime[IntakeSettings], stop: asyncio.Event) -> None:
    async def refresh() -> int:
        async with runtime.pool.acquire() as conn:
            return await refresh_backlog(conn=conn)

    await run_work_loop(
        name="backlog gauge",
        work=refresh,
        batch_size=1,
        max_idle_seconds=REFRESH_SECONDS,
        stop=stop,
        clock=runtime.clock,
    )
