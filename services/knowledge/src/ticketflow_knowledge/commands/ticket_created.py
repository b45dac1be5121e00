"""What knowledge does when intake files a ticket."""

from datetime import datetime

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.events import TicketCreated
from ticketflow_knowledge.commands.solutions import record_ticket


async def on_ticket_created(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketCreated, now: datetime
) -> None:
    """Keep the ticket, to learn its solution later."""
    await record_ticket(conn=conn, ticket=event, now=now)
