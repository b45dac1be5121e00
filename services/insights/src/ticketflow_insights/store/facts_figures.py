"""Reading the per-ticket figures (domain/ticket_figures.py) for one ticket or a period."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_insights.domain.ticket_figures import TicketFigures, ticket_figures


async def figures_of_ticket(*, conn: asyncpg.Connection, ticket_id: UUID) -> TicketFigures | None:
    row = await conn.fetchrow("SELECT * FROM tickets WHERE ticket_id = $1", ticket_id)
    return None if row is None else ticket_figures(row)


async def figures_resolved_between(
    *,
    conn: asyncpg.Connection,
    since: datetime,
    until: datetime,
    team: str | None = None,
    agent_id: UUID | None = None,
) -> list[TicketFigures]:
    """Tickets resolved in [since, until), of a team or resolved by an agent when given."""
    rows = await conn.fetch(
        "SELECT * FROM tickets WHERE resolved_at >= $1 AND resolved_at < $2"
        " AND status IN ('resolved', 'closed')"
        " AND ($3::text IS NULL OR team = $3) AND ($4::uuid IS NULL OR resolved_by = $4)"
        " ORDER BY resolved_at, ticket_id",
        since,
        until,
        team,
        agent_id,
    )
    return [ticket_figures(r) for r in rows]


async def figures_created_between(
    *, conn: asyncpg.Connection, since: datetime, until: datetime, team: str | None = None
) -> list[TicketFigures]:
    """Tickets created in [since, until), of a team when given."""
    rows = await conn.fetch(
        "SELECT * FROM tickets WHERE created_at >= $1 AND created_at < $2"
        " AND ($3::text IS NULL OR team = $3) ORDER BY created_at, ticket_id",
        since,
        until,
        team,
    )
    return [ticket_figures(r) for r in rows]
