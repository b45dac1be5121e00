"""Counts of the searchable items, for the dashboard."""

from datetime import datetime

import asyncpg

from ticketflow_knowledge.commands.metrics import KNOWLEDGE_ITEMS
from ticketflow_knowledge.store.stats import item_counts


async def refresh_gauges(*, conn: asyncpg.Connection, now: datetime) -> None:
    del now
    for (kind, live), count in (await item_counts(conn=conn)).items():
        KNOWLEDGE_ITEMS.labels(kind=kind, live=str(live).lower()).set(count)
