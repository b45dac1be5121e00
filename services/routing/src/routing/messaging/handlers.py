"""Routing's reaction to ticket events."""

from datetime import UTC, datetime

import asyncpg

from routing.assignments import assign_ticket
from routing.store.agents import is_assigned
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import TicketCreated


async def on_ticket_created(
    conn: asyncpg.Connection, _envelope: Envelope, event: TicketCreated
) -> None:
    """Give every new ticket an owner, or queue it visibly."""
    if await is_assigned(conn=conn, ticket_id=event.ticket_id):
        return
    await assign_ticket(
        conn=conn,
        ticket_id=event.ticket_id,
        required_skills=event.required_skills,
        priority=event.priority,
        now=datetime.now(UTC),
    )


HANDLERS = {TicketCreated.event_type: on_ticket_created}
