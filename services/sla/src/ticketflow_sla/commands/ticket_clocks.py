"""What `GET /tickets/{id}/sla` shows: every clock of a ticket as of now, with its pauses."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.problems import not_found
from ticketflow_sla.commands.configuration import configuration
from ticketflow_sla.domain.sla_clocks import ClockView, clock_view
from ticketflow_sla.store.sla_clocks import clocks_of_ticket, pauses_of
from ticketflow_sla.store.tickets import get_ticket


async def ticket_clocks(
    *, conn: asyncpg.Connection, ticket_id: UUID, now: datetime
) -> list[ClockView]:
    """State, deadline, business time used, remaining or overdue, and pauses of each clock;
    404 for a ticket SLA has not heard of."""
    clocks = await clocks_of_ticket(conn=conn, ticket_id=ticket_id)
    if not clocks and await get_ticket(conn=conn, ticket_id=ticket_id) is None:
        raise not_found(f"ticket {ticket_id} is not known to sla")
    pauses = await pauses_of(conn=conn, clock_ids=[c.id for c in clocks])
    config = await configuration(conn=conn)
    return [clock_view(c, config.calendar(c.calendar), now, pauses.get(c.id, [])) for c in clocks]
