"""The history worker: forgets events older than `AUTOMATION_HISTORY_DAYS` (dry runs replay
what is left)."""

import asyncio
from datetime import datetime, timedelta

import asyncpg

from ticketflow_automation.settings import AutomationSettings
from ticketflow_automation.store.event_history import prune_history
from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_every

PRUNE_SECONDS = 300.0
PRUNE_BATCH = 5000


async def run_history_pruning(runtime: Runtime[AutomationSettings], stop: asyncio.Event) -> None:
    keep = timedelta(days=runtime.settings.history_days)

    async def prune(*, conn: asyncpg.Connection, now: datetime) -> None:
        await prune_history(conn=conn, before=now - keep, limit=PRUNE_BATCH)

    await run_every(
        name="automation history",
        seconds=PRUNE_SECONDS,
        command=prune,
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
    )
