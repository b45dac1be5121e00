"""What knowledge does when intake files a ticket: keep it (to learn its solution later) and
suggest answers to it, in one transaction with the event's processed record."""

from datetime import datetime

import asyncpg

from ticketflow_common.events import TicketCreated
from ticketflow_knowledge.commands.solutions import record_ticket
from ticketflow_knowledge.commands.suggestions import suggest_for_ticket


async def on_ticket_created(
    *,
    conn: asyncpg.Connection,
    event: TicketCreated,
    now: datetime,
    limit: int,
    min_score: float,
) -> None:
    await record_ticket(conn=conn, ticket=event, now=now)
    await suggest_for_ticket(conn=conn, ticket=event, now=now, limit=limit, min_score=min_score)
