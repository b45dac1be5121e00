"""How far each polled mailbox was read: the highest UID stored, under its UIDVALIDITY."""

from datetime import datetime

import asyncpg


async def cursor_of(*, conn: asyncpg.Connection, mailbox: str) -> tuple[int, int] | None:
    """(uid_validity, last_uid), None when the mailbox was never read."""
    row = await conn.fetchrow(
        "SELECT uid_validity, last_uid FROM imap_cursors WHERE mailbox = $1", mailbox
    )
    return None if row is None else (row["uid_validity"], row["last_uid"])


async def advance_cursor(
    *, conn: asyncpg.Connection, mailbox: str, uid_validity: int, last_uid: int, now: datetime
) -> None:
    """Move the cursor on (never back within one UIDVALIDITY; a new one restarts it)."""
    await conn.execute(
        "INSERT INTO imap_cursors (mailbox, uid_validity, last_uid, updated_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (mailbox) DO UPDATE SET"
        " last_uid = CASE WHEN imap_cursors.uid_validity = EXCLUDED.uid_validity"
        " THEN greatest(imap_cursors.last_uid, EXCLUDED.last_uid) ELSE EXCLUDED.last_uid END,"
        " uid_validity = EXCLUDED.uid_validity, updated_at = EXCLUDED.updated_at",
        mailbox,
        uid_validity,
        last_uid,
        now,
    )
