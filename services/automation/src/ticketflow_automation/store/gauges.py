"""Counts behind automation's gauges."""

import asyncpg


async def count_active_rules(*, conn: asyncpg.Connection) -> dict[str, int]:
    rows = await conn.fetch(
        "SELECT kind, count(*) AS n FROM rules WHERE enabled AND deleted_at IS NULL GROUP BY kind"
    )
    counts = {"event": 0, "time": 0}
    counts.update({r["kind"]: r["n"] for r in rows})
    return counts


async def count_pending_timers(*, conn: asyncpg.Connection) -> int:
    count: int = await conn.fetchval("SELECT count(*) FROM rule_timers WHERE fired_at IS NULL")
    return count
