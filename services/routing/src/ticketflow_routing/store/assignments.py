"""SQL for owners, pickup deadlines and learned handling times."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.events.routing import UnassignReason


@dataclass(frozen=True)
class Assignment:
    ticket_id: UUID
    agent_id: UUID
    assigned_at: datetime
    reason: str


async def record_assignment(
    *, conn: asyncpg.Connection, ticket_id: UUID, agent_id: UUID, now: datetime, reason: str
) -> bool:
    """False if the ticket already has an owner: the primary key makes two owners impossible."""
    status = await conn.execute(
        "INSERT INTO assignments (ticket_id, agent_id, assigned_at, reason) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (ticket_id) DO NOTHING",
        ticket_id,
        agent_id,
        now,
        reason,
    )
    return bool(status == "INSERT 0 1")


async def get_assignment(*, conn: asyncpg.Connection, ticket_id: UUID) -> Assignment | None:
    row = await conn.fetchrow(
        "SELECT ticket_id, agent_id, assigned_at, reason FROM assignments WHERE ticket_id = $1",
        ticket_id,
    )
    return Assignment(**dict(row)) if row else None


async def delete_assignment(*, conn: asyncpg.Connection, ticket_id: UUID) -> Assignment | None:
    row = await conn.fetchrow(
        "DELETE FROM assignments WHERE ticket_id = $1"
        " RETURNING ticket_id, agent_id, assigned_at, reason",
        ticket_id,
    )
    return Assignment(**dict(row)) if row else None


async def is_assigned(*, conn: asyncpg.Connection, ticket_id: UUID) -> bool:
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM assignments WHERE ticket_id = $1)", ticket_id
    )
    return found


async def set_pickup_timer(
    *, conn: asyncpg.Connection, ticket_id: UUID, agent_id: UUID, due_at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO pickup_timers (ticket_id, agent_id, due_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (ticket_id) DO UPDATE SET agent_id = EXCLUDED.agent_id,"
        " due_at = EXCLUDED.due_at, reason = 'pickup_timeout'",
        ticket_id,
        agent_id,
        due_at,
    )


async def delete_pickup_timer(*, conn: asyncpg.Connection, ticket_id: UUID) -> None:
    await conn.execute("DELETE FROM pickup_timers WHERE ticket_id = $1", ticket_id)


async def hand_back_not_started(
    *, conn: asyncpg.Connection, agent_id: UUID, reason: UnassignReason, now: datetime
) -> int:
    """Make the agent's not-started tickets due now; the pickup loop hands them on."""
    status = await conn.execute(
        "UPDATE pickup_timers SET due_at = $3, reason = $2 WHERE agent_id = $1",
        agent_id,
        reason,
        now,
    )
    return int(status.split()[-1])


@dataclass(frozen=True)
class DuePickup:
    ticket_id: UUID
    agent_id: UUID
    reason: UnassignReason


async def claim_due_pickup(*, conn: asyncpg.Connection, now: datetime) -> DuePickup | None:
    """One due pickup deadline, its timer and ticket rows locked (others skip them), removed."""
    row = await conn.fetchrow(
        "WITH due AS ("
        "  SELECT p.ticket_id FROM pickup_timers p JOIN tickets t USING (ticket_id)"
        "  WHERE p.due_at <= $1 ORDER BY p.due_at LIMIT 1 FOR UPDATE OF p, t SKIP LOCKED"
        ") DELETE FROM pickup_timers p USING due WHERE p.ticket_id = due.ticket_id"
        " RETURNING p.ticket_id, p.agent_id, p.reason",
        now,
    )
    return DuePickup(**dict(row)) if row else None


async def next_pickup_due(*, conn: asyncpg.Connection) -> datetime | None:
    due: datetime | None = await conn.fetchval("SELECT min(due_at) FROM pickup_timers")
    return due


async def record_handling_time(
    *, conn: asyncpg.Connection, agent_id: UUID, category: str, seconds: float
) -> None:
    await conn.execute(
        "INSERT INTO handling_stats (agent_id, category, resolved, total_seconds)"
        " VALUES ($1, $2, 1, $3) ON CONFLICT (agent_id, category) DO UPDATE SET"
        " resolved = handling_stats.resolved + 1,"
        " total_seconds = handling_stats.total_seconds + EXCLUDED.total_seconds",
        agent_id,
        category,
        seconds,
    )


async def mean_handling_seconds(
    *, conn: asyncpg.Connection, agent_ids: list[UUID], category: str
) -> dict[UUID, float]:
    rows = await conn.fetch(
        "SELECT agent_id, total_seconds / resolved AS mean FROM handling_stats"
        " WHERE category = $1 AND agent_id = ANY($2::uuid[])",
        category,
        agent_ids,
    )
    return {r["agent_id"]: float(r["mean"]) for r in rows}


async def pickup_due_at(*, conn: asyncpg.Connection, ticket_id: UUID) -> datetime | None:
    due: datetime | None = await conn.fetchval(
        "SELECT due_at FROM pickup_timers WHERE ticket_id = $1", ticket_id
    )
    return due
