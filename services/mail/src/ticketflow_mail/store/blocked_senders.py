"""The block list: addresses and whole domains whose mail is refused."""

from datetime import datetime

import asyncpg


async def add_blocked(
    *, conn: asyncpg.Connection, sender: str, note: str | None, now: datetime
) -> asyncpg.Record:
    """Block `sender` (kept as first blocked when it already is, the note updated)."""
    row: asyncpg.Record = await conn.fetchrow(
        "INSERT INTO blocked_senders (sender, note, created_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (sender) DO UPDATE SET note = EXCLUDED.note"
        " RETURNING sender, note, created_at",
        sender,
        note,
        now,
    )
    return row


async def get_blocked(*, conn: asyncpg.Connection, sender: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT sender, note, created_at FROM blocked_senders WHERE sender = $1 FOR UPDATE",
        sender,
    )
    return row


async def remove_blocked(*, conn: asyncpg.Connection, sender: str) -> bool:
    status = await conn.execute("DELETE FROM blocked_senders WHERE sender = $1", sender)
    return bool(status == "DELETE 1")


async def list_blocked(
    *, conn: asyncpg.Connection, limit: int, after: str | None = None
) -> list[asyncpg.Record]:
    """By sender, after a sender."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT sender, note, created_at FROM blocked_senders"
        " WHERE $2::text IS NULL OR sender > $2 ORDER BY sender LIMIT $1",
        limit,
        after,
    )
    return rows


async def blocked_entries(*, conn: asyncpg.Connection, candidates: list[str]) -> list[str]:
    """Which of `candidates` (an address, its domain and parent domains) are on the list."""
    rows = await conn.fetch(
        "SELECT sender FROM blocked_senders WHERE sender = ANY($1::text[])", candidates
    )
    return [r["sender"] for r in rows]
