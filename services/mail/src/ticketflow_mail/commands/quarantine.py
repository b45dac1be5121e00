"""Mails kept aside (malformed, too large, or whose processing failed): listed with the reason,
and released to be processed again once the cause is fixed."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.events.audit import AuditActor
from ticketflow_mail.commands.audit import audit
from ticketflow_mail.domain.senders import QuarantinedMail, Released
from ticketflow_mail.store import mails


async def list_quarantined(
    *, conn: asyncpg.Connection, limit: int, before: datetime | None
) -> list[QuarantinedMail]:
    rows = await mails.quarantined(conn=conn, limit=limit, before=before)
    return [QuarantinedMail(**dict(r)) for r in rows]


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
