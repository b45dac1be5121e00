"""SQL for tickets waiting for an agent with the right skills and spare capacity."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from routing.domain.scoring import PRIORITY_RANK


@dataclass(frozen=True)
class QueuedTicket:
    ticket_id: UUID
    required_skills: list[str]
    priority: str
    trace_carrier: dict[str, str]


async def enqueue_ticket(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    required_skills: list[str],
    priority: str,
    trace_carrier: dict[str, str],
    now: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO queued_tickets (ticket_id, required_skills, priority, priority_rank,"
        " trace_carrier, queued_at) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (ticket_id) DO NOTHING",
        ticket_id,
        required_skills,
        priority,
        PRIORITY_RANK[priority],
        trace_carrier,
        now,
    )


async def claim_queued(*, conn: asyncpg.Connection, limit: int) -> list[QueuedTicket]:
    """Highest priority first, then oldest; rows another replica is draining are skipped."""
    rows = await conn.fetch(
        "SELECT ticket_id, required_skills, priority, trace_carrier FROM queued_tickets"
        " ORDER BY priority_rank, queued_at LIMIT $1 FOR UPDATE SKIP LOCKED",
        limit,
    )
    return [
        QueuedTicket(
            ticket_id=r["ticket_id"],
            required_skills=list(r["required_skills"]),
            priority=r["priority"],
            trace_carrier=r["trace_carrier"],
        )
        for r in rows
    ]


async def dequeue(*, conn: asyncpg.Connection, ticket_id: UUID) -> None:
    await conn.execute("DELETE FROM queued_tickets WHERE ticket_id = $1", ticket_id)
