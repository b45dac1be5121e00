"""Files mails carried, kept with their size and digest."""

from datetime import datetime
from uuid import UUID

import asyncpg


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
