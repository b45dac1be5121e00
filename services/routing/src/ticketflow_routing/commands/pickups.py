"""Pickup deadlines: an owner who has not started a ticket in time (or went away, went
offline, or ended their shift) loses it to someone else."""

from datetime import datetime

import asyncpg

from ticketflow_routing.commands.hand_on import hand_on
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.domain.tickets import NOT_STARTED
from ticketflow_routing.store import assignments
from ticketflow_routing.store.assignments import claim_due_pickup, get_assignment
from ticketflow_routing.store.tickets import get_ticket


async def hand_on_due_pickup(
    *, conn: asyncpg.Connection, now: datetime, policy: RoutingPolicy
) -> bool:
    """Handle one due pickup deadline in its own transaction; False when none is due. After
    a timeout the owner keeps the ticket if nobody else can take it; otherwise it is queued."""
    async with conn.transaction():
        due = await claim_due_pickup(conn=conn, now=now)
        if due is None:
            return False
        ticket = await get_ticket(conn=conn, ticket_id=due.ticket_id)
        owner = await get_assignment(conn=conn, ticket_id=due.ticket_id)
        if ticket is None or ticket.status not in NOT_STARTED or owner is None:
            return True
        if owner.agent_id != due.agent_id:
            return True
        await hand_on(conn=conn, ticket=ticket, now=now, policy=policy, reason=due.reason)
    return True


async def next_pickup_due(*, conn: asyncpg.Connection) -> datetime | None:
    return await assignments.next_pickup_due(conn=conn)
