"""Refreshing the backlog gauge from the tickets table, so it is right after any restart."""

from datetime import datetime

import asyncpg

from ticketflow_intake.commands.metrics import BACKLOG
from ticketflow_intake.store.tickets import backlog_counts


async def refresh_backlog(*, conn: asyncpg.Connection, now: datetime) -> None:
    """Set the gauge to the open tickets by status, team and priority (a count needs no
    `now`; it takes one as every periodic command does)."""
    counts = await backlog_counts(conn=conn)
    BACKLOG.clear()
    for status, team, priority, n in counts:
        BACKLOG.labels(status, team, priority).set(n)
