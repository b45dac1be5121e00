"""SQL for the automation firings intake has carried out."""

from datetime import datetime
from uuid import UUID

import asyncpg


async def claim_firing(
    *, conn: asyncpg.Connection, firing_id: UUID, ticket_id: UUID, event_id: UUID, now: datetime
) -> bool:
    """Take the firing for this transaction; False when it was carried out before."""
    claimed = await conn.fetchval(
        "INSERT INTO automation_firings (firing_id, ticket_id, event_id, applied_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (firing_id) DO NOTHING RETURNING true",
        firing_id,
        ticket_id,
        event_id,
        now,
    )
    return bool(claimed)
