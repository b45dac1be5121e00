"""Refresh identity's gauges: how many principals can act."""

from datetime import datetime

import asyncpg

from ticketflow_identity.commands.metrics import PRINCIPALS
from ticketflow_identity.store.principals import count_principals


async def refresh_gauges(*, conn: asyncpg.Connection, now: datetime) -> None:
    del now
    PRINCIPALS.set(await count_principals(conn=conn))
