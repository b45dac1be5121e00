"""Stored mails: the raw bytes as received, then what processing made of them and the files
they carried."""

from datetime import datetime
from uuid import UUID

import asyncpg


async def insert_received(
    *,
    conn: asyncpg.Connection,
    mail_id: UUID,
    message_id: str,
    via: str,
    raw: bytes,
    envelope_from: str | None,
    received_at: datetime,
) -> bool:
    """Store a mail to be processed; False when one with its Message-ID is already stored."""
    stored = await conn.fetchval(
        "INSERT INTO mails (mail_id, message_id, via, raw, envelope_from, received_at)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO NOTHING RETURNING mail_id",
        mail_id,
        message_id,
        via,
        raw,
        envelope_from,
        received_at,
    )
    return stored is not None


async def claim_received(*, conn: asyncpg.Connection, limit: int) -> list[asyncpg.Record]:
    """Lock up to `limit` mails waiting to be processed, oldest first, skipping those another
    replica holds; call inside the transaction that records their outcome."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT mail_id, message_id, via, raw, envelope_from, received_at FROM mails"
        " WHERE status = 'received' ORDER BY received_at LIMIT $1 FOR UPDATE SKIP LOCKED",
        limit,
    )
    return rows


async def record_outcome(
    *,
    conn: asyncpg.Connection,
    mail_id: UUID,
    status: str,
    reason: str | None,
    detail: str | None,
    from_address: str | None,
    subject: str | None,
    ticket_id: UUID | None,
    now: datetime,
) -> None:
    await conn.execute(
        "UPDATE mails SET status = $2, reason = $3, detail = $4,"
        " from_address = coalesce($5, from_address), subject = coalesce($6, subject),"
        " ticket_id = $7, processed_at = $8 WHERE mail_id = $1",
        mail_id,
        status,
        reason,
        detail,
        from_address,
        subject,
        ticket_id,
        now,
    )


async def quarantined(
    *, conn: asyncpg.Connection, limit: int, after: tuple[datetime, UUID] | None
) -> list[asyncpg.Record]:
    """Mails kept aside, newest first then by id, after a (received_at, mail_id) position."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT mail_id, message_id, via, envelope_from, from_address, subject, reason, detail,"
        " length(raw) AS size, received_at, processed_at FROM mails"
        " WHERE status = 'quarantined' AND ($2::timestamptz IS NULL"
        " OR received_at < $2 OR (received_at = $2 AND mail_id > $3::uuid))"
        " ORDER BY received_at DESC, mail_id LIMIT $1",
        limit,
        after[0] if after else None,
        after[1] if after else None,
    )
    return rows


async def release(*, conn: asyncpg.Connection, mail_id: UUID) -> bool:
    """Put a quarantined mail back to be processed again; False when none is quarantined."""
    status = await conn.execute(
        "UPDATE mails SET status = 'received', reason = NULL, detail = NULL, processed_at = NULL"
        " WHERE mail_id = $1 AND status = 'quarantined'",
        mail_id,
    )
    return bool(status == "UPDATE 1")


async def insert_attachment(
    *,
    conn: asyncpg.Connection,
    attachment_id: UUID,
    mail_id: UUID,
    ticket_id: UUID | None,
    filename: str,
    content_type: str,
    sha256: str,
    content: bytes,
    now: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO attachments (attachment_id, mail_id, ticket_id, filename, content_type,"
        " size, sha256, content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        attachment_id,
        mail_id,
        ticket_id,
        filename,
        content_type,
        len(content),
        sha256,
        content,
        now,
    )
