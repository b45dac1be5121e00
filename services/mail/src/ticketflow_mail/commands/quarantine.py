"""Mails kept aside (malformed, too large, or whose processing failed): listed with the reason,
and released to be processed again once the cause is fixed."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.events.audit import AuditActor
from ticketflow_common.pagination import Page, encode_timed_cursor, page_of, read_timed_cursor
from ticketflow_mail.commands.audit import audit
from ticketflow_mail.domain.senders import QuarantinedMail, Released
from ticketflow_mail.store import mails


async def list_quarantined(
    *, conn: asyncpg.Connection, cursor: str | None, limit: int
) -> Page[QuarantinedMail]:
    """Newest first; the cursor holds the last mail's (received_at, mail_id)."""
    after = read_timed_cursor(cursor, kind="mail.quarantine")
    rows = await mails.quarantined(conn=conn, limit=limit + 1, after=after)
    return page_of(
        [QuarantinedMail(**dict(r)) for r in rows],
        limit=limit,
        cursor=lambda m: encode_timed_cursor("mail.quarantine", m.received_at, m.mail_id),
    )


async def release_mail(
    *, conn: asyncpg.Connection, mail_id: UUID, actor: AuditActor, now: datetime
) -> Released | None:
    """Back to `received` (a NOTIFY wakes the processors); None when it is not quarantined.
    Audited as `mail.quarantined_mail` released."""
    async with conn.transaction():
        if not await mails.release(conn=conn, mail_id=mail_id):
            return None
        await audit(
            conn=conn,
            actor=actor,
            entity="mail.quarantined_mail",
            entity_id=str(mail_id),
            action="released",
            before={"status": "quarantined"},
            after={"status": "received"},
            now=now,
        )
        return Released(mail_id=mail_id)
