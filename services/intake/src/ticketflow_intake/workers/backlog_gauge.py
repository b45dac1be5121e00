"""Keeps the backlog gauge current: a refresh every few seconds, on the shared work loop."""

import asyncio

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_every
from ticketflow_intake.commands.backlog import refresh_backlog
from ticketflow_intake.settings import IntakeSettings

REFRESH_SECONDS = 5.0


async def run_backlog_gauge(runtime: Runtime[IntakeSettings], stop: asyncio.Event) -> None:
    await run_every(
        name="backlog gauge",
        seconds=REFRESH_SECONDS,
        command=refresh_backlog,
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
    )
