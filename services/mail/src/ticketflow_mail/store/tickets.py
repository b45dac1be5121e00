"""The tickets mail knows and every Message-ID of their threads."""

from datetime import datetime
from uuid import UUID

import asyncpg


def reference_of(ticket_id: UUID) -> str:
    """The short reference a subject carries: "TF-" and the id's first 8 hex digits."""
    return f"TF-{ticket_id.hex[:8]}"


async def upsert_ticket(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    requester_id: str,
    requester_email: str | None,
    subject: str,
    language: str,
    created_at: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO tickets (ticket_id, reference, requester_id, requester_email, subject,"
        " language, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (ticket_id) DO NOTHING",
        ticket_id,
        reference_of(ticket_id),
        requester_id,
        requester_email,
        subject,
        language,
        created_at,
    )


async def add_thread_message(
    *, conn: asyncpg.Connection, message_id: str, ticket_id: UUID, direction: str, now: datetime
) -> None:
    """Remember a Message-ID of the ticket's thread (the first ticket to claim it keeps it)."""
    await conn.execute(
        "INSERT INTO thread_messages (message_id, ticket_id, direction, created_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (message_id) DO NOTHING",
        message_id,
        ticket_id,
        direction,
        now,
    )


async def ticket_of_messages(*, conn: asyncpg.Connection, message_ids: list[str]) -> UUID | None:
    """The ticket whose thread holds any of `message_ids` (In-Reply-To first, then References,
    latest first, as given), None when none is known."""
    if not message_ids:
        return None
    found: UUID | None = await conn.fetchval(
        "SELECT t.ticket_id FROM unnest($1::text[]) WITH ORDINALITY AS m (message_id, n)"
        " JOIN thread_messages t USING (message_id) ORDER BY m.n LIMIT 1",
        message_ids,
    )
    return found


async def ticket_of_reference(*, conn: asyncpg.Connection, reference: str) -> UUID | None:
    """The ticket a subject's "TF-xxxxxxxx" names; None when none or (never yet) several do."""
    rows = await conn.fetch(
        "SELECT ticket_id FROM tickets WHERE reference = $1 LIMIT 2",
        "TF-" + reference[3:].lower(),
    )
    return rows[0]["ticket_id"] if len(rows) == 1 else None


async def mails_by_status(*, conn: asyncpg.Connection) -> dict[str, int]:
    """How many stored mails are in each status (received ones wait to be processed)."""
    rows = await conn.fetch("SELECT status, count(*) AS n FROM mails GROUP BY status")
    return {r["status"]: r["n"] for r in rows}
