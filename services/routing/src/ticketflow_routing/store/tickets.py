"""SQL for routing's projection of tickets."""

from uuid import UUID

import asyncpg

from ticketflow_routing.domain.tickets import TicketView

COLUMNS = (
    "ticket_id, version, status, priority, category, team, language, required_skills,"
    " last_agent_id, created_at, updated_at"
)


def _view(row: asyncpg.Record) -> TicketView:
    fields = dict(row)
    fields["required_skills"] = tuple(fields["required_skills"])
    return TicketView(**fields)


async def lock_ticket(*, conn: asyncpg.Connection, ticket_id: UUID) -> TicketView | None:
    """The ticket's row, locked: every change of its ownership goes through this lock."""
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM tickets WHERE ticket_id = $1 FOR UPDATE", ticket_id
    )
    return _view(row) if row else None


async def get_ticket(*, conn: asyncpg.Connection, ticket_id: UUID) -> TicketView | None:
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM tickets WHERE ticket_id = $1", ticket_id)
    return _view(row) if row else None


async def insert_ticket(*, conn: asyncpg.Connection, view: TicketView) -> bool:
    """False when another transaction created the row first (then lock and compare versions)."""
    status = await conn.execute(
        f"INSERT INTO tickets ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        " ON CONFLICT (ticket_id) DO NOTHING",
        *_values(view),
    )
    return bool(status == "INSERT 0 1")


async def update_ticket(*, conn: asyncpg.Connection, view: TicketView) -> None:
    await conn.execute(
        "UPDATE tickets SET version = $2, status = $3, priority = $4, category = $5, team = $6,"
        " language = $7, required_skills = $8, last_agent_id = $9, created_at = $10,"
        " updated_at = $11 WHERE ticket_id = $1",
        *_values(view),
    )


async def set_last_agent(*, conn: asyncpg.Connection, ticket_id: UUID, agent_id: UUID) -> None:
    await conn.execute(
        "UPDATE tickets SET last_agent_id = $2 WHERE ticket_id = $1", ticket_id, agent_id
    )


def _values(view: TicketView) -> tuple[object, ...]:
    return (
        view.ticket_id,
        view.version,
        view.status,
        view.priority,
        view.category,
        view.team,
        view.language,
        list(view.required_skills),
        view.last_agent_id,
        view.created_at,
        view.updated_at,
    )
