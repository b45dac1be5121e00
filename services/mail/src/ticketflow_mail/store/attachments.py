"""The files mails carried, by ticket, and the ticket a new ticket's mail became."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg


@dataclass(frozen=True)
class AttachmentRow:
    attachment_id: UUID
    ticket_id: UUID | None
    filename: str
    content_type: str
    size: int
    created_at: datetime


@dataclass(frozen=True)
class AttachmentFile:
    filename: str
    content_type: str
    content: bytes


async def requester_of(*, conn: asyncpg.Connection, ticket_id: UUID) -> str | None:
    """The requester of a ticket mail knows; None for an unknown ticket."""
    found: str | None = await conn.fetchval(
        "SELECT requester_id FROM tickets WHERE ticket_id = $1", ticket_id
    )
    return found


async def attachments_of(*, conn: asyncpg.Connection, ticket_id: UUID) -> list[AttachmentRow]:
    rows = await conn.fetch(
        "SELECT attachment_id, ticket_id, filename, content_type, size, created_at"
        " FROM attachments WHERE ticket_id = $1 ORDER BY created_at, attachment_id",
        ticket_id,
    )
    return [AttachmentRow(**dict(r)) for r in rows]


async def attachment(*, conn: asyncpg.Connection, attachment_id: UUID) -> AttachmentRow | None:
    row = await conn.fetchrow(
        "SELECT attachment_id, ticket_id, filename, content_type, size, created_at"
        " FROM attachments WHERE attachment_id = $1",
        attachment_id,
    )
    return None if row is None else AttachmentRow(**dict(row))


async def attachment_file(*, conn: asyncpg.Connection, attachment_id: UUID) -> AttachmentFile:
    row = await conn.fetchrow(
        "SELECT filename, content_type, content FROM attachments WHERE attachment_id = $1",
        attachment_id,
    )
    return AttachmentFile(row["filename"], row["content_type"], bytes(row["content"]))


async def link_mail_to_ticket(
    *, conn: asyncpg.Connection, message_id: str, ticket_id: UUID
) -> None:
    """The mail a ticket was made from, and its files, now belong to that ticket."""
    await conn.execute(
        "WITH m AS (UPDATE mails SET ticket_id = $2 WHERE message_id = $1"
        " AND ticket_id IS NULL RETURNING mail_id)"
        " UPDATE attachments a SET ticket_id = $2 FROM m"
        " WHERE a.mail_id = m.mail_id AND a.ticket_id IS NULL",
        message_id,
        ticket_id,
    )
