"""Projections of other services' events into intake's tickets."""

import asyncpg

from intake.domain.tickets import Owner
from intake.store.tickets import set_owner
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import TicketAssigned


async def on_ticket_assigned(
    conn: asyncpg.Connection, _envelope: Envelope, event: TicketAssigned
) -> None:
    """Show the owner on the ticket as soon as routing has chosen one."""
    await set_owner(
        conn=conn,
        ticket_id=event.ticket_id,
        owner=Owner(
            agent_id=event.agent_id,
            agent_name=event.agent_name,
            team=event.team,
            assigned_at=event.assigned_at,
        ),
    )


HANDLERS = {TicketAssigned.event_type: on_ticket_assigned}
