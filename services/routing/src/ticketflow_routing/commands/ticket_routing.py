"""Reading a ticket's routing: who owns it or where it waits, and the decisions behind it."""

from dataclasses import asdict
from uuid import UUID

import asyncpg

from ticketflow_routing.domain.ticket_routing import Owner, QueuePlace, TicketRouting
from ticketflow_routing.store.assignments import get_assignment, pickup_due_at
from ticketflow_routing.store.decisions import decisions_of
from ticketflow_routing.store.queue import queue_position
from ticketflow_routing.store.tickets import get_ticket


async def ticket_routing(
    *, conn: asyncpg.Connection, ticket_id: UUID, limit: int
) -> TicketRouting | None:
    """The ticket's routing with its newest `limit` decisions; None when routing does not
    know the ticket."""
    ticket = await get_ticket(conn=conn, ticket_id=ticket_id)
    if ticket is None:
        return None
    owner = await owner_of(conn=conn, ticket_id=ticket_id)
    position = await queue_position(conn=conn, ticket_id=ticket_id)
    decisions = await decisions_of(conn=conn, ticket_id=ticket_id, limit=limit)
    return TicketRouting.model_validate(
        asdict(ticket)
        | {
            "owner": owner,
            "queued": QueuePlace(team=ticket.team, position=position) if position else None,
            "decisions": decisions,
        }
    )


async def owner_of(*, conn: asyncpg.Connection, ticket_id: UUID) -> Owner | None:
    """The ticket's owner and their pickup deadline, if it has one."""
    owner = await get_assignment(conn=conn, ticket_id=ticket_id)
    if owner is None:
        return None
    return Owner(
        agent_id=owner.agent_id,
        assigned_at=owner.assigned_at,
        reason=owner.reason,
        pickup_due_at=await pickup_due_at(conn=conn, ticket_id=ticket_id),
    )
