"""Recipients' preferences: language and quiet hours, by address (case-insensitive)."""

from datetime import datetime

import asyncpg

from ticketflow_common.events.audit import AuditActor
from ticketflow_notify.commands.audit import audit
from ticketflow_notify.domain.quiet_hours import Recipient, RecipientPreferences
from ticketflow_notify.store import recipients

RECIPIENT = "notify.recipient"


async def set_preferences(
    *,
    conn: asyncpg.Connection,
    email: str,
    preferences: RecipientPreferences,
    actor: AuditActor,
    now: datetime,
) -> Recipient:
    async with conn.transaction():
        before = await recipients.get_recipient(conn=conn, email=email.lower())
        saved = await recipients.upsert_recipient(
            conn=conn, email=email.lower(), preferences=preferences
        )
        await audit(
            conn=conn,
            actor=actor,
            entity=RECIPIENT,
            entity_id=email.lower(),
            action="created" if before is None else "updated",
            before=before,
            after=saved,
            now=now,
        )
        return saved


async def find_recipient(*, conn: asyncpg.Connection, email: str) -> Recipient | None:
    return await recipients.get_recipient(conn=conn, email=email.lower())


async def forget_recipient(
    *, conn: asyncpg.Connection, email: str, actor: AuditActor, now: datetime
) -> bool:
    """False when nothing was kept for the address."""
    async with conn.transaction():
        before = await recipients.get_recipient(conn=conn, email=email.lower())
        if not await recipients.delete_recipient(conn=conn, email=email.lower()):
            return False
        await audit(
            conn=conn,
            actor=actor,
            entity=RECIPIENT,
            entity_id=email.lower(),
            action="deleted",
            before=before,
            after=None,
            now=now,
        )
        return True
