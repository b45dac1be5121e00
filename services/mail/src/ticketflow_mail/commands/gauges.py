"""Refresh the gauges of stored mails: a growing `received` count is a stuck pipeline."""

from datetime import datetime

import asyncpg

from ticketflow_mail.commands.metrics import (
    MAIL_STORED,
    REPLIES_STORED,
    REPLY_STATUSES,
    STATUSES,
)
from ticketflow_mail.store.replies import replies_by_status
from ticketflow_mail.store.tickets import mails_by_status


async def refresh_gauges(*, conn: asyncpg.Connection, now: datetime) -> None:
    del now
    counts = await mails_by_status(conn=conn)
    for status in STATUSES:
        MAIL_STORED.labels(status=status).set(counts.get(status, 0))
    replies = await replies_by_status(conn=conn)
    for status in REPLY_STATUSES:
        REPLIES_STORED.labels(status=status).set(replies.get(status, 0))
