"""The ranking statistics worker: recounts the index's terms every few minutes when it changed."""

import asyncio

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_every
from ticketflow_knowledge.commands.ranking_stats import refresh_ranking_stats
from ticketflow_knowledge.settings import KnowledgeSettings

REFRESH_SECONDS = 120.0
"""Term weights move slowly: a few minutes late is fine, and ts_stat reads every live item."""


async def run_ranking_stats(runtime: Runtime[KnowledgeSettings], stop: asyncio.Event) -> None:
    await run_every(
        name="knowledge ranking stats",
        seconds=REFRESH_SECONDS,
        command=refresh_ranking_stats,
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
    )
