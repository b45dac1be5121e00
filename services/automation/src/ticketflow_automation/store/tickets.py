"""SQL for what automation knows of each ticket (`tickets.state`, a TicketState as jsonb)."""

import json
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_automation.domain.ticket_state import TicketState

LOCK_CLASS = 0x7A75  # advisory-lock namespace of automation's tickets (keeps clear of others)


def _state(raw: Any) -> TicketState:
    loaded = json.loads(raw) if isinstance(raw, str) else raw
    return TicketState.model_validate(loaded)


async def lock_ticket(*, conn: asyncpg.Connection, ticket_id: UUID) -> TicketState | None:
    """The ticket's state, locked until the transaction ends; a ticket not seen yet is locked
    too, so two first events of one ticket (from two topics) apply one after the other."""
    raw = await conn.fetchval(
        "SELECT state FROM tickets WHERE ticket_id = $1 FOR UPDATE", ticket_id
    )
    if raw is not None:
        return _state(raw)
    await conn.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext($2::text))", LOCK_CLASS, str(ticket_id)
    )
    raw = await conn.fetchval(
        "SELECT state FROM tickets WHERE ticket_id = $1 FOR UPDATE", ticket_id
    )
    return None if raw is None else _state(raw)


async def load_ticket(*, conn: asyncpg.Connection, ticket_id: UUID) -> TicketState | None:
    raw = await conn.fetchval("SELECT state FROM tickets WHERE ticket_id = $1", ticket_id)
    return None if raw is None else _state(raw)


async def save_ticket(*, conn: asyncpg.Connection, state: TicketState, now: datetime) -> None:
    await conn.execute(
        "INSERT INTO tickets (ticket_id, state, version, open, updated_at)"
        " VALUES ($1, $2::jsonb, $3, $4, $5) ON CONFLICT (ticket_id) DO UPDATE SET"
        " state = EXCLUDED.state, version = EXCLUDED.version, open = EXCLUDED.open,"
        " updated_at = EXCLUDED.updated_at",
        state.ticket_id,
        state.model_dump(mode="json"),
        state.version,
        state.open,
        now,
    )
