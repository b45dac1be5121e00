"""The event log pruning worker: forgets events recorded longer ago than
`NOTIFY_EVENT_RETENTION_DAYS`, batch after batch while old ones remain, then idles."""

import asyncio
from datetime import datetime, timedelta

import asyncpg

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import on_pool, run_work_loop
from ticketflow_notify.commands.event_log import prune_event_log
from ticketflow_notify.settings import NotifySettings

PRUNE_BATCH = 5000
PRUNE_IDLE_SECONDS = 300.0


async def run_event_log_pruning(runtime: Runtime[NotifySettings], stop: asyncio.Event) -> None:
    retention = timedelta(days=runtime.settings.event_retention_days)

    async def prune_batch(conn: asyncpg.Connection, now: datetime) -> int:
        return await prune_event_log(conn=conn, now=now, retention=retention, limit=PRUNE_BATCH)

    await run_work_loop(
        name="event log pruning",
        work=on_pool(runtime.pool, runtime.clock, prune_batch),
        batch_size=PRUNE_BATCH,
        max_idle_seconds=PRUNE_IDLE_SECONDS,
        stop=stop,
        clock=runtime.clock,
    )
