"""Refreshes the backlog gauge from the tickets table, so it is right after any restart."""

import asyncio

import asyncpg

from ticketflow_common.clock import system_clock
from ticketflow_common.work_loop import run_work_loop
from ticketflow_intake.metrics import BACKLOG

REFRESH_SECONDS = 5.0


async def refresh_backlog(*, conn: asyncpg.Connection) -> int:
    rows = await conn.fetch(
        "SELECT status, coalesce(team, 'none') AS team, priority, count(*) AS n FROM tickets"
        " WHERE status <> 'closed' GROUP BY 1, 2, 3"
    )
    BACKLOG.clear()
    for row in rows:
        BACKLOG.labels(row["status"], row["team"], row["priority"]).set(row["n"])
    return 0


async def run_backlog_gauge(pool: asyncpg.Pool, stop: asyncio.Event) -> None:
    async def refresh() -> int:
        async with pool.acquire() as conn:
            return await refresh_backlog(conn=conn)

    await run_work_loop(
        name="backlog gauge",
        work=refresh,
        batch_size=1,
        max_idle_seconds=REFRESH_SECONDS,
        stop=stop,
        clock=system_clock,
    )
