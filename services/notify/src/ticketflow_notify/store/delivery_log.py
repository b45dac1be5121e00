"""SQL for the delivery log: listing deliveries and their attempts, and replaying them."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_notify.domain.deliveries import (
    Delivery,
    DeliveryAttempt,
    DeliveryDetail,
    DeliveryFilter,
    ReplayOutcome,
)

_COLUMNS = (
    "id, channel, target, endpoint_id, event_id, event_type, subject, status, attempts,"
    " next_attempt_at, held_until, last_error, delivered_at, created_at"
)


async def list_deliveries(
    *,
    conn: asyncpg.Connection,
    where: DeliveryFilter,
    limit: int,
    after: tuple[datetime, UUID] | None = None,
) -> list[Delivery]:
    """Newest first (then by id), after a keyset position; every filter left as None matches
    everything."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM deliveries"
        " WHERE ($1::text IS NULL OR subject = $1) AND ($2::text IS NULL OR status = $2)"
        " AND ($3::uuid IS NULL OR endpoint_id = $3) AND ($4::text IS NULL OR event_type = $4)"
        " AND ($5::text IS NULL OR channel = $5)"
        " AND ($6::timestamptz IS NULL OR created_at >= $6)"
        " AND ($7::timestamptz IS NULL OR created_at < $7)"
        " AND ($9::timestamptz IS NULL OR created_at < $9 OR (created_at = $9 AND id > $10))"
        " ORDER BY created_at DESC, id LIMIT $8",
        where.subject,
        where.status,
        where.endpoint_id,
        where.event_type,
        where.channel,
        where.since,
        where.until,
        limit,
        after[0] if after else None,
        after[1] if after else None,
    )
    return [Delivery.model_validate(dict(r)) for r in rows]


async def get_delivery(*, conn: asyncpg.Connection, delivery_id: UUID) -> DeliveryDetail | None:
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM deliveries WHERE id = $1", delivery_id)
    if row is None:
        return None
    attempts = await conn.fetch(
        "SELECT attempt, started_at, status_code, latency_ms, error FROM delivery_attempts"
        " WHERE delivery_id = $1 ORDER BY attempt",
        delivery_id,
    )
    return DeliveryDetail(
        **dict(row), attempt_log=[DeliveryAttempt.model_validate(dict(a)) for a in attempts]
    )


async def replay(*, conn: asyncpg.Connection, delivery_id: UUID, now: datetime) -> ReplayOutcome:
    """Send a delivery again, whatever its state, unless it is being sent right now."""
    async with conn.transaction():
        row = await conn.fetchrow(
            "SELECT d.lease_expires_at, e.enabled FROM deliveries d"
            " LEFT JOIN endpoints e ON e.id = d.endpoint_id WHERE d.id = $1 FOR UPDATE OF d",
            delivery_id,
        )
        if row is None:
            return ReplayOutcome.NOT_FOUND
        if row["lease_expires_at"] is not None and row["lease_expires_at"] > now:
            return ReplayOutcome.IN_FLIGHT
        if row["enabled"] is False:
            return ReplayOutcome.ENDPOINT_DISABLED
        await conn.execute(
            "UPDATE deliveries SET status = 'pending', next_attempt_at = $2,"
            " lease_expires_at = NULL WHERE id = $1",
            delivery_id,
            now,
        )
    return ReplayOutcome.QUEUED


async def replay_failures(
    *,
    conn: asyncpg.Connection,
    endpoint_id: UUID,
    since: datetime,
    until: datetime,
    now: datetime,
) -> int:
    """Queue again every failed delivery of one endpoint created in [since, until)."""
    status = await conn.execute(
        "UPDATE deliveries SET status = 'pending', next_attempt_at = $4, lease_expires_at = NULL"
        " WHERE endpoint_id = $1 AND status = 'failed' AND created_at >= $2 AND created_at < $3",
        endpoint_id,
        since,
        until,
        now,
    )
    return int(status.rsplit(" ", 1)[-1])
