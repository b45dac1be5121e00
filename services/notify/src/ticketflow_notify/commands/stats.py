"""Notify's gauges, read from Postgres: the truth every replica shares."""

from datetime import datetime

import asyncpg

from ticketflow_notify.commands.metrics import DISABLED_ENDPOINTS, RETRY_BACKLOG
from ticketflow_notify.store.deliveries import retry_backlog
from ticketflow_notify.store.endpoints import count_disabled

CHANNELS = ("webhook", "chat", "email")


async def refresh_gauges(*, conn: asyncpg.Connection, now: datetime) -> None:
    """Set the retry backlog per channel and the number of disabled endpoints."""
    backlog = await retry_backlog(conn=conn)
    disabled = await count_disabled(conn=conn)
    for channel in CHANNELS:
        RETRY_BACKLOG.labels(channel).set(backlog.get(channel, 0))
    DISABLED_ENDPOINTS.set(disabled)
