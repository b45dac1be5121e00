"""The delivery log: listing deliveries, one with its attempts, and sending one again."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.pagination import Page, encode_timed_cursor, page_of, read_timed_cursor
from ticketflow_notify.domain.deliveries import (
    Delivery,
    DeliveryDetail,
    DeliveryFilter,
    ReplayOutcome,
)
from ticketflow_notify.store import delivery_log


async def list_deliveries(
    *, conn: asyncpg.Connection, where: DeliveryFilter, cursor: str | None, limit: int
) -> Page[Delivery]:
    """Newest first; the cursor holds the last delivery's (created_at, id)."""
    after = read_timed_cursor(cursor, kind="notify.deliveries")
    rows = await delivery_log.list_deliveries(conn=conn, where=where, limit=limit + 1, after=after)
    return page_of(
        rows,
        limit=limit,
        cursor=lambda d: encode_timed_cursor("notify.deliveries", d.created_at, d.id),
    )


async def find_delivery(*, conn: asyncpg.Connection, delivery_id: UUID) -> DeliveryDetail | None:
    return await delivery_log.get_delivery(conn=conn, delivery_id=delivery_id)


async def replay_delivery(
    *, conn: asyncpg.Connection, delivery_id: UUID, now: datetime
) -> ReplayOutcome:
    """Due again now, whatever its state, unless it is being sent or its endpoint is disabled."""
    return await delivery_log.replay(conn=conn, delivery_id=delivery_id, now=now)
