"""The gauges worker: recounts identity's principals every few seconds."""

import asyncio

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_every
from ticketflow_identity.commands.gauges import refresh_gauges
from ticketflow_identity.settings import IdentitySettings

GAUGE_SECONDS = 15.0


async def run_gauges(runtime: Runtime[IdentitySettings], stop: asyncio.Event) -> None:
    await run_every(
        name="identity gauges",
        seconds=GAUGE_SECONDS,
        command=refresh_gauges,
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
    )
