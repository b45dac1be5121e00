"""Queued tickets taken: by an agent whose capacity freed, or by the sweep over the queues."""

from contextlib import AbstractContextManager
from datetime import datetime
from uuid import UUID

import asyncpg
from opentelemetry import trace

from ticketflow_common.tracing import linked_span
from ticketflow_routing.commands.assign import assign_to_agent, route_ticket
from ticketflow_routing.domain.assignments import AssignmentRequest
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.domain.shifts import is_on_shift
from ticketflow_routing.domain.tickets import ACTIVE, TicketProjection
from ticketflow_routing.store.agents import get_routable
from ticketflow_routing.store.queue import (
    QueuedRef,
    claim_queued,
    claim_queued_for_agent,
    dequeue,
    spare_capacity_exists,
)
from ticketflow_routing.store.tickets import get_ticket

tracer = trace.get_tracer(__name__)


async def drain_for_agent(
    *, conn: asyncpg.Connection, agent_id: UUID, now: datetime, policy: RoutingPolicy
) -> int:
    """Capacity freed (or the agent became available): give them the queued tickets they can
    take, highest priority first, then oldest. Returns how many were assigned."""
    agent = await get_routable(conn=conn, agent_id=agent_id)
    if agent is None or agent.status != "online":
        return 0
    if not is_on_shift(agent.shifts, agent.time_zone, now):
        return 0
    spare = agent.capacity - agent.load
    if spare <= 0:
        return 0
    claimed = await claim_queued_for_agent(
        conn=conn,
        skills=list(agent.skill_levels),
        teams=list(agent.teams),
        languages=list(agent.languages),
        limit=spare,
    )
    request = AssignmentRequest.from_queue(agent_id)
    assigned = 0
    for queued in claimed:
        with _span("routing assign queued ticket", queued):
            ticket = await _still_active(conn=conn, queued=queued)
            if ticket is None:
                continue
            refused = await assign_to_agent(
                conn=conn, ticket=ticket, request=request, now=now, policy=policy
            )
            if refused:
                break
            assigned += 1
    return assigned


async def sweep_queues(
    *, conn: asyncpg.Connection, now: datetime, policy: RoutingPolicy, limit: int
) -> int:
    """Route the heads of the queues again, in one transaction, when anyone has spare
    capacity: catches capacity that freed while a ticket was being queued in another
    transaction. Returns how many were assigned."""
    async with conn.transaction():
        if not await spare_capacity_exists(conn=conn):
            return 0
        assigned = 0
        for queued in await claim_queued(conn=conn, limit=limit):
            with _span("routing retry queued ticket", queued):
                ticket = await _still_active(conn=conn, queued=queued)
                if ticket is not None and await route_ticket(
                    conn=conn,
                    ticket=ticket,
                    now=now,
                    policy=policy,
                    reason="queue",
                    queue_if_none=False,
                ):
                    assigned += 1
        return assigned


def _span(name: str, queued: QueuedRef) -> AbstractContextManager[trace.Span]:
    """A ticket waits in the queue minutes or hours: its assignment is a trace of its own,
    linked to the one that queued it."""
    return linked_span(tracer, name, cause=queued.trace_carrier)


async def _still_active(*, conn: asyncpg.Connection, queued: QueuedRef) -> TicketProjection | None:
    """The queued ticket, if it is still to be worked; otherwise it leaves the queue."""
    ticket = await get_ticket(conn=conn, ticket_id=queued.ticket_id)
    if ticket is None or ticket.status not in ACTIVE:
        await dequeue(conn=conn, ticket_id=queued.ticket_id)
        return None
    return ticket
