"""Store a raw mail as received (from the SMTP gateway or the polled mailbox): once stored it
is never lost, and the same Message-ID delivered twice is stored once."""

import uuid
from datetime import datetime
from typing import Literal

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_mail.commands.inbound_metrics import MAIL_RECEIVED
from ticketflow_mail.domain.received import message_id_of
from ticketflow_mail.store.mails import insert_received

Via = Literal["smtp", "imap"]


async def store_received(
    *,
    conn: asyncpg.Connection,
    raw: bytes,
    via: Via,
    envelope_from: str | None,
    now: datetime,
) -> bool:
    """Commit the mail to be processed; False when its Message-ID was stored before (a
    redelivery: nothing to do, and the sender may be told it was taken)."""
    stored = await insert_received(
        conn=conn,
        mail_id=uuid.uuid4(),
        message_id=message_id_of(raw),
        via=via,
        raw=raw,
        envelope_from=envelope_from,
        received_at=now,
    )
    if stored:
        after_commit(conn, MAIL_RECEIVED.labels(via).inc)
    return stored
