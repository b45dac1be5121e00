"""What a rebuild empties, and the batch form of the inbox (many event ids in one statement)."""

from collections.abc import Sequence
from uuid import UUID

import asyncpg

FACTS_TABLES = (
    "tickets",
    "arrivals",
    "ticket_status_dwell",
    "ticket_status_changes",
    "ticket_ownership_changes",
    "agents",
    "agent_status_periods",
    "teams",
    "calendars",
    "sla_clocks",
)
"""Every table the facts' handlers fill; all of it is derived from the topics."""


async def truncate_facts(*, conn: asyncpg.Connection, tables: Sequence[str]) -> None:
    known = [t for t in tables if t in FACTS_TABLES]  # fixed names: safe to interpolate
    await conn.execute(f"TRUNCATE {', '.join(known)}")


async def forget_processed(*, conn: asyncpg.Connection, event_types: Sequence[str]) -> int:
    status: str = await conn.execute(
        "DELETE FROM processed_events WHERE event_type = ANY($1::text[])", list(event_types)
    )
    return int(status.rsplit(" ", 1)[-1])


async def claim_events(
    *, conn: asyncpg.Connection, ids: Sequence[UUID], types: Sequence[str]
) -> set[UUID]:
    """Record the events as processed; the ids that were not recorded before."""
    rows = await conn.fetch(
        "INSERT INTO processed_events (event_id, event_type)"
        " SELECT * FROM unnest($1::uuid[], $2::text[])"
        " ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
        list(ids),
        list(types),
    )
    return {r["event_id"] for r in rows}
