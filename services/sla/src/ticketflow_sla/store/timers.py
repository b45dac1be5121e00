"""SQL for durable timers: absolute instants in Postgres, claimed once by any replica."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from ticketflow_sla.domain.timers import DueTimer, PlannedTimer, TimerKey

NEAR_DUE = timedelta(seconds=5)
"""Timers due sooner than this wake the replicas at once (NOTIFY) instead of at their next poll."""


def timers_channel(schema: str) -> str:
    return f"{schema}_timers"


async def schedule_timers(
    *, conn: asyncpg.Connection, clock_id: UUID, timers: Sequence[PlannedTimer], now: datetime
) -> None:
    """Replace the clock's pending timers with `timers` in one statement; wake the replicas if
    one is near."""
    if not timers:
        await cancel_timers(conn=conn, clock_id=clock_id)
        return
    await conn.execute(
        "WITH pending AS (DELETE FROM timers WHERE clock_id = $1 AND fired_at IS NULL)"
        " INSERT INTO timers (clock_id, kind, threshold, level, repeat, due_at)"
        " SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::int[],"
        " $6::timestamptz[])",
        clock_id,
        [t.kind for t in timers],
        [t.threshold for t in timers],
        [t.level for t in timers],
        [t.repeat for t in timers],
        [t.due_at for t in timers],
    )
    if min(t.due_at for t in timers) <= now + NEAR_DUE:
        await conn.execute("SELECT pg_notify(current_schema() || '_timers', '')")


async def cancel_timers(*, conn: asyncpg.Connection, clock_id: UUID) -> None:
    await conn.execute("DELETE FROM timers WHERE clock_id = $1 AND fired_at IS NULL", clock_id)


async def fired_keys(*, conn: asyncpg.Connection, clock_id: UUID) -> set[TimerKey]:
    rows = await conn.fetch(
        "SELECT kind, threshold, level, repeat FROM timers"
        " WHERE clock_id = $1 AND fired_at IS NOT NULL",
        clock_id,
    )
    return {(r["kind"], r["threshold"], r["level"], r["repeat"]) for r in rows}


async def claim_due(*, conn: asyncpg.Connection, now: datetime, limit: int) -> list[DueTimer]:
    """Mark up to `limit` due timers fired at `now`, skipping those another replica holds;
    call inside the transaction that also emits their events."""
    rows = await conn.fetch(
        "WITH due AS ("
        "  SELECT id FROM timers WHERE fired_at IS NULL AND due_at <= $1"
        "  ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED"
        ") UPDATE timers t SET fired_at = $1 FROM due WHERE t.id = due.id"
        " RETURNING t.id, t.clock_id, t.kind, t.threshold, t.level, t.repeat, t.due_at",
        now,
        limit,
    )
    return sorted((DueTimer(**dict(r)) for r in rows), key=lambda t: (t.due_at, t.id))


async def upcoming_due(*, conn: asyncpg.Connection, until: datetime, limit: int) -> list[datetime]:
    """The distinct instants of pending timers due by `until`, earliest first: the lookahead."""
    rows = await conn.fetch(
        "SELECT DISTINCT due_at FROM ("
        "  SELECT due_at FROM timers WHERE fired_at IS NULL AND due_at <= $1"
        "  ORDER BY due_at LIMIT $2) soon ORDER BY due_at",
        until,
        limit,
    )
    return [r["due_at"] for r in rows]


EXACT_COUNT_UP_TO = 100_000
"""Above this many pending timers the gauge reads the planner's estimate: an exact count of ten
million index entries every refresh costs Postgres a second of CPU for a dashboard figure."""


async def count_pending(*, conn: asyncpg.Connection, exact_up_to: int = EXACT_COUNT_UP_TO) -> int:
    """Timers not yet fired: exact up to `exact_up_to`, else the pending index's row estimate."""
    count: int = await conn.fetchval(
        "WITH capped AS (SELECT count(*) AS n FROM"
        "  (SELECT 1 FROM timers WHERE fired_at IS NULL LIMIT $1) pending)"
        " SELECT CASE WHEN n < $1 THEN n ELSE GREATEST(n, (SELECT reltuples::bigint"
        "  FROM pg_class WHERE oid = to_regclass('timers_pending'))) END FROM capped",
        exact_up_to,
    )
    return count


async def insert_timers(
    *, conn: asyncpg.Connection, timers: Sequence[tuple[UUID, PlannedTimer]], now: datetime
) -> None:
    """Add timers of any clocks in one statement; wake the replicas in it if one is near."""
    if not timers:
        return
    await conn.execute(
        "WITH added AS (INSERT INTO timers (clock_id, kind, threshold, level, repeat, due_at)"
        "  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::int[],"
        "  $6::timestamptz[]))"
        " SELECT pg_notify(current_schema() || '_timers', '') WHERE $7",
        [c for c, _ in timers],
        [t.kind for _, t in timers],
        [t.threshold for _, t in timers],
        [t.level for _, t in timers],
        [t.repeat for _, t in timers],
        [t.due_at for _, t in timers],
        min(t.due_at for _, t in timers) <= now + NEAR_DUE,
    )


async def mark_breached(
    *, conn: asyncpg.Connection, breaches: Sequence[tuple[UUID, datetime]]
) -> None:
    """Record each clock's breach instant (its deadline), once."""
    await conn.execute(
        "UPDATE clocks c SET breached_at = v.due, due_at = v.due"
        " FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, due)"
        " WHERE c.id = v.id AND c.breached_at IS NULL",
        [c for c, _ in breaches],
        [d for _, d in breaches],
    )
