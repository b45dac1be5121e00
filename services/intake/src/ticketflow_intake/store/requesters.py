"""SQL for requesters by address: one normalised email, one requester id."""

from datetime import datetime

import asyncpg


async def linked_id(*, conn: asyncpg.Connection, email: str) -> str | None:
    """The requester id `email` (already normalised) is linked to, if any."""
    found: str | None = await conn.fetchval(
        "SELECT requester_id FROM requesters WHERE email = $1", email
    )
    return found


async def link(
    *, conn: asyncpg.Connection, email: str, requester_id: str, name: str | None, now: datetime
) -> str:
    """Link `email` to `requester_id` unless it is linked already; the id it is linked to now.
    Two first links racing: the later waits for the earlier's commit and takes its id."""
    await conn.execute(
        "INSERT INTO requesters (email, requester_id, name, created_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (email) DO NOTHING",
        email,
        requester_id,
        name,
        now,
    )
    found: str = await conn.fetchval("SELECT requester_id FROM requesters WHERE email = $1", email)
    return found
