"""Retiring a category of the service catalogue."""

from datetime import datetime

import asyncpg

from ticketflow_common.in_use import refuse_if_used
from ticketflow_intake.domain.lifecycle import DONE_STATUSES
from ticketflow_intake.store.categories import archive_category, category_usages, lock_category


async def retire_category(*, conn: asyncpg.Connection, key: str, now: datetime) -> bool:
    """Archive the category unless tickets still being worked name it (409 naming them);
    False when there is no live category of that key."""
    if not await lock_category(conn=conn, key=key):
        return False
    usages = await category_usages(conn=conn, key=key, done_statuses=list(DONE_STATUSES))
    refuse_if_used(f"category {key!r}", usages)
    await archive_category(conn=conn, key=key, now=now)
    return True
