"""One ticket's facts row and the time it spent in each status."""

from uuid import UUID

import asyncpg


async def ticket_row(*, conn: asyncpg.Connection, ticket_id: UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT * FROM tickets WHERE ticket_id = $1", ticket_id
    )
    return row


async def dwell_of(*, conn: asyncpg.Connection, ticket_id: UUID) -> dict[str, float]:
    rows = await conn.fetch(
        "SELECT status, seconds FROM ticket_status_dwell WHERE ticket_id = $1 ORDER BY status",
        ticket_id,
    )
    return {r["status"]: r["seconds"] for r in rows}
