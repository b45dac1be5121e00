"""A ticket done: its owner lets go, learns from it, and takes the next queued ticket."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_routing.commands.drain import drain_for_agent
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.domain.tickets import TicketProjection
from ticketflow_routing.store.agents import give_back_capacity
from ticketflow_routing.store.assignments import (
    Assignment,
    delete_assignment,
    delete_pickup_timer,
    record_handling_time,
)
from ticketflow_routing.store.queue import dequeue
from ticketflow_routing.store.tickets import set_last_agent


async def release(
    *,
    conn: asyncpg.Connection,
    ticket: TicketProjection,
    now: datetime,
    policy: RoutingPolicy,
    resolved: bool,
) -> UUID | None:
    """The ticket is done: the owner's load drops, their handling time is learned, and they
    take the next queued ticket they can. Returns the former owner."""
    await delete_pickup_timer(conn=conn, ticket_id=ticket.ticket_id)
    await dequeue(conn=conn, ticket_id=ticket.ticket_id)
    gone = await let_go(conn=conn, ticket_id=ticket.ticket_id)
    if gone is None:
        return None
    if resolved and ticket.category:
        await record_handling_time(
            conn=conn,
            agent_id=gone.agent_id,
            category=ticket.category,
            seconds=max(0.0, (now - gone.assigned_at).total_seconds()),
        )
    await drain_for_agent(conn=conn, agent_id=gone.agent_id, now=now, policy=policy)
    return gone.agent_id


async def let_go(*, conn: asyncpg.Connection, ticket_id: UUID) -> Assignment | None:
    """The owner off the ticket: their load drops and they are its last agent. Returns the
    assignment that ended, None when the ticket had no owner."""
    gone = await delete_assignment(conn=conn, ticket_id=ticket_id)
    if gone is not None:
        await give_back_capacity(conn=conn, agent_id=gone.agent_id)
        await set_last_agent(conn=conn, ticket_id=ticket_id, agent_id=gone.agent_id)
    return gone
