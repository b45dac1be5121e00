"""Where the polled mailbox was read up to, so a restart never stores a mail twice nor skips
one (the cursor moves in the mail's own transaction)."""

from datetime import datetime

import asyncpg

from ticketflow_mail.commands.receive_mail import store_received
from ticketflow_mail.store.imap_cursors import advance_cursor, cursor_of


async def last_stored_uid(*, conn: asyncpg.Connection, mailbox: str, uid_validity: int) -> int:
    """The highest UID stored under this UIDVALIDITY; 0 when none (or the mailbox was rebuilt)."""
    cursor = await cursor_of(conn=conn, mailbox=mailbox)
    if cursor is None or cursor[0] != uid_validity:
        return 0
    return cursor[1]


async def store_polled(
    *,
    conn: asyncpg.Connection,
    raw: bytes,
    mailbox: str,
    uid_validity: int,
    uid: int,
    now: datetime,
) -> bool:
    """Store the mail (idempotent on its Message-ID) and move the cursor past it, together."""
    async with conn.transaction():
        stored = await store_received(conn=conn, raw=raw, via="imap", envelope_from=None, now=now)
        await advance_cursor(
            conn=conn, mailbox=mailbox, uid_validity=uid_validity, last_uid=uid, now=now
        )
    return stored
