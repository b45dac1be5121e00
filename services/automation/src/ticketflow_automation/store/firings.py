"""SQL for every firing of a rule on a ticket (its timeline and its firing limit) and the
suppressions announced (one per rule, ticket and window)."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

import asyncpg

FIRING_COLUMNS = (
    "firing_id, rule_id, rule_version, ticket_id, trigger, event_id, event_type, why, actions,"
    " depth, fired_at"
)


async def record_firing_within_limit(
    *,
    conn: asyncpg.Connection,
    firing_id: UUID,
    rule_id: UUID,
    rule_version: int,
    ticket_id: UUID,
    trigger: Literal["event", "timer"],
    event_id: UUID | None,
    event_type: str | None,
    why: list[str],
    actions: list[dict[str, Any]],
    depth: int,
    fired_at: datetime,
    since: datetime,
    limit: int,
) -> tuple[bool, int, datetime | None]:
    """Keep the firing unless the rule fired `limit` times on the ticket after `since` (one
    round trip; the caller holds the ticket's lock, so the count cannot move meanwhile):
    (recorded, firings counted, the oldest of them)."""
    row = await conn.fetchrow(
        "WITH recent AS (SELECT count(*) AS n, min(fired_at) AS oldest FROM firings"
        "   WHERE rule_id = $2 AND ticket_id = $4 AND fired_at > $12),"
        f" inserted AS (INSERT INTO firings ({FIRING_COLUMNS})"
        "   SELECT $1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11 FROM recent"
        "   WHERE recent.n < $13 ON CONFLICT (firing_id) DO NOTHING RETURNING 1)"
        " SELECT recent.n, recent.oldest, (SELECT count(*) FROM inserted) AS inserted FROM recent",
        firing_id,
        rule_id,
        rule_version,
        ticket_id,
        trigger,
        event_id,
        event_type,
        why,
        actions,
        depth,
        fired_at,
        since,
        limit,
    )
    assert row is not None
    return bool(row["inserted"]), int(row["n"]), row["oldest"]


async def record_suppression(
    *,
    conn: asyncpg.Connection,
    rule_id: UUID,
    ticket_id: UUID,
    window_start: datetime,
    reason: str,
    now: datetime,
) -> bool:
    """True for the first suppression of the rule on the ticket in this window."""
    status: str = await conn.execute(
        "INSERT INTO suppressions (rule_id, ticket_id, window_start, reason, suppressed_at)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        rule_id,
        ticket_id,
        window_start,
        reason,
        now,
    )
    return status.endswith(" 1")


async def list_firings(
    *,
    conn: asyncpg.Connection,
    rule_id: UUID | None = None,
    ticket_id: UUID | None = None,
    limit: int,
    after: UUID | None,
) -> list[asyncpg.Record]:
    """One rule's or one ticket's firings, newest first, after the firing `after` (a cursor)."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"SELECT {FIRING_COLUMNS} FROM firings f"
        " WHERE ($1::uuid IS NULL OR f.rule_id = $1) AND ($2::uuid IS NULL OR f.ticket_id = $2)"
        " AND ($3::uuid IS NULL OR (f.fired_at, f.firing_id) < ("
        "   SELECT c.fired_at, c.firing_id FROM firings c WHERE c.firing_id = $3))"
        " ORDER BY f.fired_at DESC, f.firing_id DESC LIMIT $4",
        rule_id,
        ticket_id,
        after,
        limit,
    )
    return rows


async def firing_exists(*, conn: asyncpg.Connection, firing_id: UUID) -> bool:
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM firings WHERE firing_id = $1)", firing_id
    )
    return found


async def rule_exists(*, conn: asyncpg.Connection, rule_id: UUID) -> bool:
    """Deleted rules count: their firings stay on record."""
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM rules WHERE rule_id = $1)", rule_id
    )
    return found
