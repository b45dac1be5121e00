"""SQL for approval requests: one open per ticket, its next round claimed when due."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg


@dataclass(frozen=True)
class ApprovalRequest:
    approval_id: UUID
    ticket_id: UUID
    category: str | None
    status: str
    round: str
    next_round: str | None
    due_at: datetime | None
    escalate_at: datetime
    requested_at: datetime
    decision: str | None
    decided_by: str | None
    decided_via: str | None
    decided_at: datetime | None


def _request(row: asyncpg.Record) -> ApprovalRequest:
    return ApprovalRequest(**dict(row))


async def insert_request(
    *,
    conn: asyncpg.Connection,
    approval_id: UUID,
    ticket_id: UUID,
    category: str | None,
    next_round: str | None,
    due_at: datetime | None,
    escalate_at: datetime,
    now: datetime,
) -> bool:
    """Open the ticket's request; False when one is open already (nothing changes)."""
    added = await conn.fetchval(
        "INSERT INTO approval_requests (approval_id, ticket_id, category, round, next_round,"
        " due_at, escalate_at, requested_at) VALUES ($1, $2, $3, 'request', $4, $5, $6, $7)"
        " ON CONFLICT (ticket_id) WHERE status = 'open' DO NOTHING RETURNING true",
        approval_id,
        ticket_id,
        category,
        next_round,
        due_at,
        escalate_at,
        now,
    )
    return bool(added)


async def get_request(*, conn: asyncpg.Connection, approval_id: UUID) -> ApprovalRequest | None:
    row = await conn.fetchrow("SELECT * FROM approval_requests WHERE approval_id = $1", approval_id)
    return _request(row) if row else None


async def latest_request(*, conn: asyncpg.Connection, ticket_id: UUID) -> ApprovalRequest | None:
    """The ticket's newest request, open or decided."""
    row = await conn.fetchrow(
        "SELECT * FROM approval_requests WHERE ticket_id = $1"
        " ORDER BY requested_at DESC, approval_id LIMIT 1",
        ticket_id,
    )
    return _request(row) if row else None


async def claim_due(
    *, conn: asyncpg.Connection, now: datetime, limit: int
) -> list[ApprovalRequest]:
    """Open requests whose next round is due, locked; other replicas skip them."""
    rows = await conn.fetch(
        "SELECT * FROM approval_requests WHERE status = 'open' AND next_round IS NOT NULL"
        " AND due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED",
        now,
        limit,
    )
    return [_request(r) for r in rows]


async def advance(
    *,
    conn: asyncpg.Connection,
    approval_id: UUID,
    round: str,
    next_round: str | None,
    due_at: datetime | None,
) -> None:
    await conn.execute(
        "UPDATE approval_requests SET round = $2, next_round = $3, due_at = $4"
        " WHERE approval_id = $1",
        approval_id,
        round,
        next_round,
        due_at,
    )


async def close_open_request(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    decision: str,
    decided_by: str,
    via: str,
    now: datetime,
) -> ApprovalRequest | None:
    """Close the ticket's open request (no round after this); None when none was open."""
    row = await conn.fetchrow(
        "UPDATE approval_requests SET status = 'decided', next_round = NULL, due_at = NULL,"
        " decision = $2, decided_by = $3, decided_via = $4, decided_at = $5"
        " WHERE ticket_id = $1 AND status = 'open' RETURNING *",
        ticket_id,
        decision,
        decided_by,
        via,
        now,
    )
    return _request(row) if row else None
