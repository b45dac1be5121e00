"""The gauges worker: refreshes the item counts every so often."""

import asyncio

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_every
from ticketflow_knowledge.commands.gauges import refresh_gauges
from ticketflow_knowledge.settings import KnowledgeSettings


async def run_gauges(runtime: Runtime[KnowledgeSettings], stop: asyncio.Event) -> None:
    await run_every(
        name="knowledge stats",
        seconds=runtime.settings.stats_interval_seconds,
        command=refresh_gauges,
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
    )
