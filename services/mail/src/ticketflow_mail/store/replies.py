"""Replies waiting to be mailed, being mailed, sent or given up on."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg


@dataclass(frozen=True)
class ClaimedReply:
    reply_id: UUID
    comment_id: UUID
    ticket_id: UUID
    message_id: str
    to_address: str
    subject: str
    body: str
    attempts: int
    created_at: datetime


@dataclass(frozen=True)
class TicketAddress:
    """What a reply needs of the ticket: its requester's address, subject and reference."""

    requester_email: str | None
    subject: str
    reference: str


async def ticket_address(*, conn: asyncpg.Connection, ticket_id: UUID) -> TicketAddress | None:
    row = await conn.fetchrow(
        "SELECT requester_email, subject, reference FROM tickets WHERE ticket_id = $1", ticket_id
    )
    if row is None:
        return None
    return TicketAddress(row["requester_email"], row["subject"], row["reference"])


async def add_reply(
    *,
    conn: asyncpg.Connection,
    reply_id: UUID,
    comment_id: UUID,
    ticket_id: UUID,
    message_id: str,
    to_address: str,
    subject: str,
    body: str,
    author_id: str,
    now: datetime,
) -> bool:
    """Queue a reply due now; False when the comment already has one."""
    status: str = await conn.execute(
        "INSERT INTO replies (reply_id, comment_id, ticket_id, message_id, to_address, subject,"
        " body, author_id, next_attempt_at, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
        " ON CONFLICT (comment_id) DO NOTHING",
        reply_id,
        comment_id,
        ticket_id,
        message_id,
        to_address,
        subject,
        body,
        author_id,
        now,
    )
    return status.endswith(" 1")


async def claim_due(
    *, conn: asyncpg.Connection, now: datetime, lease_until: datetime, limit: int
) -> list[ClaimedReply]:
    """Lease due replies to this replica until `lease_until` (SKIP LOCKED: replicas never take
    the same one; a replica that dies mid-send leaves it due again when the lease ends)."""
    rows = await conn.fetch(
        "WITH due AS (SELECT reply_id FROM replies WHERE status = 'pending'"
        " AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)"
        " UPDATE replies r SET next_attempt_at = $2 FROM due WHERE r.reply_id = due.reply_id"
        " RETURNING r.reply_id, r.comment_id, r.ticket_id, r.message_id, r.to_address,"
        " r.subject, r.body, r.attempts, r.created_at",
        now,
        lease_until,
        limit,
    )
    return [ClaimedReply(**dict(r)) for r in rows]


async def thread_of(*, conn: asyncpg.Connection, ticket_id: UUID, excluding: str) -> list[str]:
    """The ticket's Message-IDs, oldest first, but `excluding`."""
    rows = await conn.fetch(
        "SELECT message_id FROM thread_messages WHERE ticket_id = $1 AND message_id <> $2"
        " ORDER BY created_at, message_id",
        ticket_id,
        excluding,
    )
    return [r["message_id"] for r in rows]


async def mark_sent(*, conn: asyncpg.Connection, reply_id: UUID, now: datetime) -> bool:
    """Sent, once: False when it was no longer pending."""
    status: str = await conn.execute(
        "UPDATE replies SET status = 'sent', sent_at = $2, attempts = attempts + 1,"
        " next_attempt_at = NULL, last_error = NULL WHERE reply_id = $1 AND status = 'pending'",
        reply_id,
        now,
    )
    return status.endswith(" 1")


async def mark_failed(
    *, conn: asyncpg.Connection, reply_id: UUID, error: str, retry_at: datetime | None
) -> None:
    """Another failed attempt: due again at `retry_at`, or dead when None."""
    await conn.execute(
        "UPDATE replies SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3,"
        " status = CASE WHEN $3::timestamptz IS NULL THEN 'dead' ELSE 'pending' END"
        " WHERE reply_id = $1 AND status = 'pending'",
        reply_id,
        error,
        retry_at,
    )


async def next_due_at(*, conn: asyncpg.Connection) -> datetime | None:
    due: datetime | None = await conn.fetchval(
        "SELECT min(next_attempt_at) FROM replies WHERE status = 'pending'"
    )
    return due


async def replies_by_status(*, conn: asyncpg.Connection) -> dict[str, int]:
    rows = await conn.fetch("SELECT status, count(*) AS n FROM replies GROUP BY status")
    return {r["status"]: r["n"] for r in rows}
