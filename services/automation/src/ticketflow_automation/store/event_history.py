"""SQL for the recent events a dry run replays: each event naming a ticket, kept for
`AUTOMATION_HISTORY_DAYS`."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg


async def record_event(
    *,
    conn: asyncpg.Connection,
    event_id: UUID,
    event_type: str,
    ticket_id: UUID,
    occurred_at: datetime,
    data: dict[str, Any],
) -> None:
    """Keep one event (a redelivery keeps the first copy)."""
    await conn.execute(
        "INSERT INTO event_history (event_id, event_type, ticket_id, occurred_at, data)"
        " VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (event_id) DO NOTHING",
        event_id,
        event_type,
        ticket_id,
        occurred_at,
        data,
    )


async def prune_history(*, conn: asyncpg.Connection, before: datetime, limit: int) -> int:
    """Forget up to `limit` events older than `before`; how many went."""
    status: str = await conn.execute(
        "DELETE FROM event_history WHERE event_id IN ("
        " SELECT event_id FROM event_history WHERE occurred_at < $1 LIMIT $2)",
        before,
        limit,
    )
    return int(status.split()[-1])


async def replay_events(
    *, conn: asyncpg.Connection, since: datetime, until: datetime, limit: int
) -> list[asyncpg.Record]:
    """Every kept event up to `until` of the tickets with an event in [since, until], by
    ticket then time (the earlier ones build each ticket's state); at most `limit`."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT event_id, event_type, ticket_id, occurred_at, data FROM event_history"
        " WHERE occurred_at <= $2 AND ticket_id IN (SELECT DISTINCT ticket_id FROM event_history"
        "  WHERE occurred_at >= $1 AND occurred_at <= $2)"
        " ORDER BY ticket_id, occurred_at, event_id LIMIT $3",
        since,
        until,
        limit,
    )
    return rows


async def oldest_kept(*, conn: asyncpg.Connection) -> datetime | None:
    oldest: datetime | None = await conn.fetchval("SELECT min(occurred_at) FROM event_history")
    return oldest
