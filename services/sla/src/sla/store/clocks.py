"""SQL for clocks and their timers."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from sla.domain.clocks import ClockView


@dataclass(frozen=True)
class FiredTimer:
    clock_id: UUID
    ticket_id: UUID
    metric: str
    policy: str
    due_at: datetime
    trace_carrier: dict[str, str]


async def start_clock(
    *,
    conn: asyncpg.Connection,
    clock_id: UUID,
    ticket_id: UUID,
    metric: str,
    policy: str,
    target_seconds: float,
    started_at: datetime,
    due_at: datetime,
    trace_carrier: dict[str, str],
) -> bool:
    """Create the clock and its breach timer; False if the ticket already has this clock."""
    status = await conn.execute(
        "INSERT INTO clocks (id, ticket_id, metric, policy, target_seconds, started_at, due_at,"
        " state, trace_carrier) VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8)"
        " ON CONFLICT (ticket_id, metric) DO NOTHING",
        clock_id,
        ticket_id,
        metric,
        policy,
        target_seconds,
        started_at,
        due_at,
        trace_carrier,
    )
    if status != "INSERT 0 1":
        return False
    await conn.execute(
        "INSERT INTO timers (clock_id, kind, due_at) VALUES ($1, 'breach', $2)", clock_id, due_at
    )
    return True


async def claim_due(*, conn: asyncpg.Connection, now: datetime, limit: int) -> list[FiredTimer]:
    """Mark due timers fired and breach their running clocks; call inside a transaction."""
    rows = await conn.fetch(
        "WITH due AS ("
        "  SELECT id FROM timers WHERE fired_at IS NULL AND due_at <= $1"
        "  ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED"
        "), fired AS ("
        "  UPDATE timers t SET fired_at = $1 FROM due WHERE t.id = due.id"
        "  RETURNING t.clock_id, t.due_at"
        ") UPDATE clocks c SET state = 'breached' FROM fired"
        " WHERE c.id = fired.clock_id AND c.state = 'running'"
        " RETURNING c.id, c.ticket_id, c.metric, c.policy, fired.due_at, c.trace_carrier",
        now,
        limit,
    )
    return [
        FiredTimer(
            clock_id=r["id"],
            ticket_id=r["ticket_id"],
            metric=r["metric"],
            policy=r["policy"],
            due_at=r["due_at"],
            trace_carrier=r["trace_carrier"],
        )
        for r in rows
    ]


async def next_due_at(*, conn: asyncpg.Connection) -> datetime | None:
    due: datetime | None = await conn.fetchval(
        "SELECT min(due_at) FROM timers WHERE fired_at IS NULL"
    )
    return due


async def clocks_of_ticket(
    *, conn: asyncpg.Connection, ticket_id: UUID, now: datetime
) -> list[ClockView]:
    rows = await conn.fetch(
        "SELECT * FROM clocks WHERE ticket_id = $1 ORDER BY started_at, metric", ticket_id
    )
    return [
        ClockView(
            id=r["id"],
            ticket_id=r["ticket_id"],
            metric=r["metric"],
            policy=r["policy"],
            target_seconds=r["target_seconds"],
            started_at=r["started_at"],
            due_at=r["due_at"],
            state=r["state"],
            seconds_remaining=(r["due_at"] - now).total_seconds(),
        )
        for r in rows
    ]
