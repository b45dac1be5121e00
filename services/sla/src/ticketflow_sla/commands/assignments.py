"""Routing's assignments: the ticket's owner and team lead, whom escalations alert."""

from datetime import datetime

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.events import TicketAssigned
from ticketflow_sla.store.tickets import apply_assignment


async def record_assignment(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketAssigned, now: datetime
) -> None:
    await apply_assignment(conn=conn, event=event, now=now)
