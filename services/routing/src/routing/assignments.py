"""Giving a ticket its one owner: candidates by index, scored, capacity taken atomically."""

from datetime import datetime
from uuid import UUID

import asyncpg
from opentelemetry import trace

from routing.domain.scoring import CANDIDATE_LIMIT, rank_candidates
from routing.store.agents import find_candidates, record_assignment, take_capacity
from routing.store.queue import claim_queued, dequeue, enqueue_ticket
from ticketflow_common.envelope import new_event
from ticketflow_common.events import TicketAssigned, TicketQueued
from ticketflow_common.outbox import enqueue_event
from ticketflow_common.tracing import context_from_carrier, current_trace_carrier

SOURCE = "/ticketflow/routing"
tracer = trace.get_tracer(__name__)


async def assign_ticket(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    required_skills: list[str],
    priority: str,
    now: datetime,
    queue_if_unassigned: bool = True,
) -> bool:
    """Assign to the best available agent, else queue it; True when an owner was found."""
    for candidate in rank_candidates(
        await find_candidates(conn=conn, required_skills=required_skills, limit=CANDIDATE_LIMIT),
        now=now,
    ):
        if not await take_capacity(conn=conn, agent_id=candidate.agent_id, now=now):
            continue
        if not await record_assignment(
            conn=conn, ticket_id=ticket_id, agent_id=candidate.agent_id, now=now
        ):
            raise RuntimeError(f"ticket {ticket_id} already has an owner")
        data = TicketAssigned(
            ticket_id=ticket_id,
            agent_id=candidate.agent_id,
            agent_name=candidate.name,
            team=candidate.team,
            assigned_at=now,
        )
        await _publish(conn=conn, data=data, ticket_id=ticket_id, now=now)
        return True
    if queue_if_unassigned:
        await enqueue_ticket(
            conn=conn,
            ticket_id=ticket_id,
            required_skills=required_skills,
            priority=priority,
            trace_carrier=current_trace_carrier(),
            now=now,
        )
        queued = TicketQueued(
            ticket_id=ticket_id,
            required_skills=required_skills,
            reason="no online agent with the required skills and spare capacity",
            queued_at=now,
        )
        await _publish(conn=conn, data=queued, ticket_id=ticket_id, now=now)
    return False


async def drain_queue(*, conn: asyncpg.Connection, now: datetime, limit: int = 100) -> int:
    """Assign queued tickets now that capacity may have freed; returns how many were assigned."""
    assigned = 0
    for queued in await claim_queued(conn=conn, limit=limit):
        with tracer.start_as_current_span(
            "routing assign queued ticket", context=context_from_carrier(queued.trace_carrier)
        ):
            if await assign_ticket(
                conn=conn,
                ticket_id=queued.ticket_id,
                required_skills=queued.required_skills,
                priority=queued.priority,
                now=now,
                queue_if_unassigned=False,
            ):
                await dequeue(conn=conn, ticket_id=queued.ticket_id)
                assigned += 1
    return assigned


async def _publish(
    *, conn: asyncpg.Connection, data: TicketAssigned | TicketQueued, ticket_id: UUID, now: datetime
) -> None:
    event = new_event(data, source=SOURCE, subject=str(ticket_id), time=now)
    await enqueue_event(conn=conn, event=event, topic=data.topic, key=str(ticket_id))
