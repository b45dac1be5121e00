"""SQL for owners, pickup deadlines and learned handling times."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.events.routing import UnassignReason
from ticketflow_common.outbox import OUTBOX_COLUMNS
from ticketflow_routing.store.decisions import DECISION_COLUMNS


@dataclass(frozen=True)
class Assignment:
    ticket_id: UUID
    agent_id: UUID
    assigned_at: datetime
    reason: str


@dataclass(frozen=True)
class Handover:
    """What one statement writes when an agent takes a ticket: the owner, the pickup deadline,
    the decision and its event's outbox row (values of DECISION_COLUMNS, OUTBOX_COLUMNS)."""

    ticket_id: UUID
    agent_id: UUID
    reason: str
    pickup_due: datetime | None
    decision: tuple[object, ...]
    event: tuple[object, ...]


async def take_and_assign(
    *, conn: asyncpg.Connection, handover: Handover, now: datetime, require_online: bool
) -> tuple[bool, bool]:
    """(capacity taken, ticket assigned) in one statement; nothing but the take is written
    when the ticket already has an owner (its primary key makes two owners impossible).

    The take is an atomic conditional increment: two replicas can never push an agent over
    capacity. The ticket leaves its queue; decision and event rows are only written with it.
    """
    online = " AND status = 'online'" if require_online else ""
    row = await conn.fetchrow(
        "WITH took AS (UPDATE agents SET load = load + 1, last_assigned_at = $3"
        f" WHERE id = $2 AND load < capacity AND archived_at IS NULL{online} RETURNING id),"
        " assigned AS (INSERT INTO assignments (ticket_id, agent_id, assigned_at, reason)"
        " SELECT $1, id, $3, $4 FROM took ON CONFLICT (ticket_id) DO NOTHING RETURNING ticket_id),"
        " dequeued AS (DELETE FROM queued_tickets WHERE ticket_id IN"
        " (SELECT ticket_id FROM assigned)),"
        " timer AS (INSERT INTO pickup_timers (ticket_id, agent_id, due_at)"
        " SELECT ticket_id, $2, $5::timestamptz FROM assigned WHERE $5::timestamptz IS NOT NULL"
        " ON CONFLICT (ticket_id) DO UPDATE SET agent_id = EXCLUDED.agent_id,"
        " due_at = EXCLUDED.due_at, reason = 'pickup_timeout'),"
        f" decided AS (INSERT INTO routing_decisions ({DECISION_COLUMNS}) SELECT $6::uuid,"
        " $7::text, $8::uuid, $9::text, $10::text, $11::jsonb, $12::timestamptz FROM assigned),"
        f" announced AS (INSERT INTO outbox ({OUTBOX_COLUMNS}) SELECT $13::uuid, $14::text,"
        " $15::text, $16::text, $17::jsonb, $18::jsonb FROM assigned)"
        " SELECT EXISTS (SELECT 1 FROM took) AS took, EXISTS (SELECT 1 FROM assigned) AS assigned",
        handover.ticket_id,
        handover.agent_id,
        now,
        handover.reason,
        handover.pickup_due,
        *handover.decision,
        *handover.event,
    )
    return bool(row["took"]), bool(row["assigned"])


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


async def pickup_due_at(*, conn: asyncpg.Connection, ticket_id: UUID) -> datetime | None:
    due: datetime | None = await conn.fetchval(
        "SELECT due_at FROM pickup_timers WHERE ticket_id = $1", ticket_id
    )
    return due
