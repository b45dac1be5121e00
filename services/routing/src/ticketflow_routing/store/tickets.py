"""SQL for routing's projection of tickets."""

from collections.abc import Sequence
from dataclasses import asdict
from uuid import UUID

import asyncpg

from ticketflow_common.json_codec import json_text
from ticketflow_routing.domain.tickets import TicketProjection

FACT_COLUMNS = (
    "version, status, priority, category, team, language, required_skills, last_agent_id,"
    " created_at, updated_at"
)
"""Every column but the key, in the order of `_values` after the ticket id."""
COLUMNS = f"ticket_id, {FACT_COLUMNS}"


def _projection(row: asyncpg.Record) -> TicketProjection:
    fields = dict(row)
    fields["required_skills"] = tuple(fields["required_skills"])
    return TicketProjection(**fields)


async def lock_ticket(*, conn: asyncpg.Connection, ticket_id: UUID) -> TicketProjection | None:
    """The ticket's row, locked: every change of its ownership goes through this lock."""
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM tickets WHERE ticket_id = $1 FOR UPDATE", ticket_id
    )
    return _projection(row) if row else None


async def get_ticket(*, conn: asyncpg.Connection, ticket_id: UUID) -> TicketProjection | None:
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM tickets WHERE ticket_id = $1", ticket_id)
    return _projection(row) if row else None


async def insert_ticket(*, conn: asyncpg.Connection, ticket: TicketProjection) -> bool:
    """False when another transaction created the row first (then lock and compare versions)."""
    status = await conn.execute(
        f"INSERT INTO tickets ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        " ON CONFLICT (ticket_id) DO NOTHING",
        *_values(ticket),
    )
    return bool(status == "INSERT 0 1")


async def insert_tickets(
    *, conn: asyncpg.Connection, tickets: Sequence[TicketProjection]
) -> set[UUID]:
    """`insert_ticket` for many in one statement; the ids inserted (the others were there)."""
    rows = await conn.fetch(
        f"INSERT INTO tickets ({COLUMNS}) SELECT {COLUMNS}"
        " FROM jsonb_populate_recordset(NULL::tickets, $1::text::jsonb)"
        " ON CONFLICT (ticket_id) DO NOTHING RETURNING ticket_id",
        json_text([asdict(t) for t in tickets]),
    )
    return {r["ticket_id"] for r in rows}


async def update_ticket(*, conn: asyncpg.Connection, ticket: TicketProjection) -> None:
    await conn.execute(
        f"UPDATE tickets SET ({FACT_COLUMNS}) = ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        " WHERE ticket_id = $1",
        *_values(ticket),
    )


async def set_last_agent(*, conn: asyncpg.Connection, ticket_id: UUID, agent_id: UUID) -> None:
    await conn.execute(
        "UPDATE tickets SET last_agent_id = $2 WHERE ticket_id = $1", ticket_id, agent_id
    )


def _values(ticket: TicketProjection) -> tuple[object, ...]:
    return (
        ticket.ticket_id,
        ticket.version,
        ticket.status,
        ticket.priority,
        ticket.category,
        ticket.team,
        ticket.language,
        list(ticket.required_skills),
        ticket.last_agent_id,
        ticket.created_at,
        ticket.updated_at,
    )
