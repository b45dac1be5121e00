"""Teams and agents as routing's events describe them (the insights projection)."""

from uuid import UUID

import asyncpg


async def led_teams(*, conn: asyncpg.Connection, agent_id: UUID) -> frozenset[str]:
    rows = await conn.fetch(
        "SELECT team FROM teams WHERE lead_agent_id = $1 AND NOT archived", agent_id
    )
    return frozenset(r["team"] for r in rows)


async def open_ticket_counts(*, conn: asyncpg.Connection) -> dict[str, int]:
    """Open tickets per team ('' for none), from the ticket facts."""
    rows = await conn.fetch(
        "SELECT coalesce(team, '') AS team, count(*) AS n FROM tickets"
        " WHERE status NOT IN ('resolved', 'closed') GROUP BY 1"
    )
    return {r["team"]: r["n"] for r in rows}
