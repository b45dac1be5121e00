"""SQL for tickets waiting for an eligible agent, per team, highest priority then oldest."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_common.sql_conditions import SqlConditions
from ticketflow_routing.domain.tickets import PRIORITY_RANK, TicketProjection


@dataclass(frozen=True)
class QueuedRef:
    ticket_id: UUID
    trace_carrier: dict[str, str]


async def enqueue_ticket(
    *,
    conn: asyncpg.Connection,
    ticket: TicketProjection,
    trace_carrier: dict[str, str],
    now: datetime,
) -> int | None:
    """Queue it; returns its 1-based place in its team's queue, None if it was queued already."""
    status = await conn.execute(
        "INSERT INTO queued_tickets (ticket_id, required_skills, priority, priority_rank,"
        " trace_carrier, queued_at, team, language) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT (ticket_id) DO NOTHING",
        ticket.ticket_id,
        list(ticket.required_skills),
        ticket.priority,
        PRIORITY_RANK[ticket.priority],
        trace_carrier,
        now,
        ticket.team,
        ticket.language,
    )
    if status != "INSERT 0 1":
        return None
    return await queue_position(conn=conn, ticket_id=ticket.ticket_id)


async def queue_position(*, conn: asyncpg.Connection, ticket_id: UUID) -> int | None:
    position: int | None = await conn.fetchval(
        "SELECT count(*) + 1 FROM queued_tickets o, queued_tickets q WHERE q.ticket_id = $1"
        " AND o.team IS NOT DISTINCT FROM q.team AND o.ticket_id <> q.ticket_id"
        " AND (o.priority_rank, o.queued_at, o.ticket_id) < (q.priority_rank, q.queued_at,"
        " q.ticket_id)",
        ticket_id,
    )
    if position is None or not await is_queued(conn=conn, ticket_id=ticket_id):
        return None
    return position


async def is_queued(*, conn: asyncpg.Connection, ticket_id: UUID) -> bool:
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM queued_tickets WHERE ticket_id = $1)", ticket_id
    )
    return found


async def update_queued(*, conn: asyncpg.Connection, ticket: TicketProjection) -> None:
    await conn.execute(
        "UPDATE queued_tickets SET priority = $2, priority_rank = $3, required_skills = $4,"
        " team = $5, language = $6 WHERE ticket_id = $1",
        ticket.ticket_id,
        ticket.priority,
        PRIORITY_RANK[ticket.priority],
        list(ticket.required_skills),
        ticket.team,
        ticket.language,
    )


async def dequeue(*, conn: asyncpg.Connection, ticket_id: UUID) -> None:
    await conn.execute("DELETE FROM queued_tickets WHERE ticket_id = $1", ticket_id)


async def claim_queued_for_agent(
    *,
    conn: asyncpg.Connection,
    skills: list[str],
    teams: list[str],
    languages: list[str],
    limit: int,
) -> list[QueuedRef]:
    """Queued tickets this agent may take, best first; rows others hold are skipped."""
    rows = await conn.fetch(
        "SELECT q.ticket_id, q.trace_carrier FROM queued_tickets q JOIN tickets t USING (ticket_id)"
        " WHERE q.required_skills <@ $1::text[] AND (q.team IS NULL OR q.team = ANY($2::text[]))"
        " AND q.language = ANY($3::text[]) ORDER BY q.priority_rank, q.queued_at"
        " LIMIT $4 FOR UPDATE OF q, t SKIP LOCKED",
        skills,
        teams,
        languages,
        limit,
    )
    return [QueuedRef(ticket_id=r["ticket_id"], trace_carrier=r["trace_carrier"]) for r in rows]


async def claim_queued(*, conn: asyncpg.Connection, limit: int) -> list[QueuedRef]:
    """The head of every queue, for the periodic sweep; rows others hold are skipped."""
    rows = await conn.fetch(
        "SELECT q.ticket_id, q.trace_carrier FROM queued_tickets q JOIN tickets t USING (ticket_id)"
        " ORDER BY q.priority_rank, q.queued_at LIMIT $1 FOR UPDATE OF q, t SKIP LOCKED",
        limit,
    )
    return [QueuedRef(ticket_id=r["ticket_id"], trace_carrier=r["trace_carrier"]) for r in rows]


async def queue_of_team(
    *,
    conn: asyncpg.Connection,
    team: str | None,
    limit: int,
    after: tuple[int, datetime, UUID] | None = None,
) -> list[dict[str, Any]]:
    """The team's queue in assignment order (rank, queued_at, ticket id), each ticket with its
    place in the whole queue and its rank, after a keyset position."""
    where = SqlConditions(limit)
    if team is None:
        where.add("team IS NULL")
    else:
        where.add("team = {}", team)
    before = "0"
    if after is not None:
        key = "({}::int, {}::timestamptz, {}::uuid)".format(*(where.param(v) for v in after))
        before = (
            f"(SELECT count(*) FROM queued_tickets WHERE {where.sql()}"
            f" AND (priority_rank, queued_at, ticket_id) <= {key})"
        )
        where.add(f"(priority_rank, queued_at, ticket_id) > {key}")
    rows = await conn.fetch(
        "SELECT ticket_id, priority, required_skills, language, queued_at, priority_rank,"
        f" {before} + row_number() OVER (ORDER BY priority_rank, queued_at, ticket_id)"
        " AS position"
        f" FROM (SELECT * FROM queued_tickets WHERE {where.sql()}"
        "  ORDER BY priority_rank, queued_at, ticket_id LIMIT $1) page"
        " ORDER BY priority_rank, queued_at, ticket_id",
        *where.params,
    )
    return [dict(r) for r in rows]


async def spare_capacity_exists(*, conn: asyncpg.Connection) -> bool:
    """Any agent who could take a ticket now (partial index `agents_available`)."""
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM agents"
        " WHERE status = 'online' AND on_shift AND load < capacity)"
    )
    return found
