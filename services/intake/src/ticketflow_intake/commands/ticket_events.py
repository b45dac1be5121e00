"""Emitting a ticket's event: the outbox row and its timeline entry, in the caller's commit."""

from datetime import datetime

import asyncpg

from ticketflow_common.events import TicketFacts
from ticketflow_common.outbox import emit
from ticketflow_intake.store.timeline import record


async def emit_ticket_event(*, conn: asyncpg.Connection, data: TicketFacts, now: datetime) -> None:
    """Emit the event keyed by its ticket and show it on the ticket's timeline at once."""
    event = await emit(conn, data, subject=str(data.ticket_id), now=now)
    await record(conn=conn, ticket_id=data.ticket_id, event=event)
