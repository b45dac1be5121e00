"""The service catalogue: listing, creating or changing, and retiring categories."""

from datetime import datetime

import asyncpg

from ticketflow_common.in_use import refuse_if_used
from ticketflow_common.problems import not_found
from ticketflow_intake.domain.catalogue import Category, CategorySpec
from ticketflow_intake.domain.lifecycle import DONE_STATUSES
from ticketflow_intake.store import categories


async def list_categories(*, conn: asyncpg.Connection) -> list[Category]:
    """The live catalogue clients pick a category from."""
    return await categories.list_categories(conn=conn)


async def put_category(*, conn: asyncpg.Connection, key: str, spec: CategorySpec) -> Category:
    """Create or change the category; an archived one comes back."""
    return await categories.upsert_category(conn=conn, key=key, spec=spec)


async def retire_category(*, conn: asyncpg.Connection, key: str, now: datetime) -> None:
    """Archive the category unless tickets still being worked name it (409 naming them);
    404 when there is no live category of that key."""
    async with conn.transaction():
        if not await categories.lock_category(conn=conn, key=key):
            raise not_found(f"no category {key!r}")
        usages = await categories.category_usages(
            conn=conn, key=key, done_statuses=list(DONE_STATUSES)
        )
        refuse_if_used(f"category {key!r}", usages)
        await categories.archive_category(conn=conn, key=key, now=now)
