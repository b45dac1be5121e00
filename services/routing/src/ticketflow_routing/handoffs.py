"""Ownership ending or moving: release on resolution, hand-backs, queue drains and sweeps."""

from datetime import datetime
from uuid import UUID

import asyncpg
from opentelemetry import trace

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.events import TicketUnassigned
from ticketflow_common.events.routing import UnassignReason
from ticketflow_common.tracing import context_from_carrier
from ticketflow_routing.assignments import assign_to_agent, publish, route_ticket
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.domain.shifts import is_on_shift
from ticketflow_routing.domain.tickets import ACTIVE, TicketView, pickup_deadline, with_last_agent
from ticketflow_routing.metrics import DECISIONS
from ticketflow_routing.store.agents import get_routable, give_back_capacity
from ticketflow_routing.store.assignments import (
    delete_assignment,
    delete_pickup_timer,
    record_handling_time,
    set_pickup_timer,
)
from ticketflow_routing.store.decisions import record_decision
from ticketflow_routing.store.queue import claim_queued, claim_queued_for_agent, dequeue
from ticketflow_routing.store.tickets import get_ticket, set_last_agent

tracer = trace.get_tracer(__name__)


class _NobodyElse(Exception):
    """Rolls back a hand-on that found no other owner, so the current one keeps the ticket."""


async def release(
    *,
    conn: asyncpg.Connection,
    ticket: TicketView,
    now: datetime,
    policy: RoutingPolicy,
    resolved: bool,
) -> UUID | None:
    """The ticket is done: the owner's load drops, their handling time is learned, and they
    take the next queued ticket they can. Returns the former owner."""
    await delete_pickup_timer(conn=conn, ticket_id=ticket.ticket_id)
    await dequeue(conn=conn, ticket_id=ticket.ticket_id)
    gone = await delete_assignment(conn=conn, ticket_id=ticket.ticket_id)
    if gone is None:
        return None
    await give_back_capacity(conn=conn, agent_id=gone.agent_id)
    await set_last_agent(conn=conn, ticket_id=ticket.ticket_id, agent_id=gone.agent_id)
    if resolved and ticket.category:
        await record_handling_time(
            conn=conn,
            agent_id=gone.agent_id,
            category=ticket.category,
            seconds=max(0.0, (now - gone.assigned_at).total_seconds()),
        )
    await drain_for_agent(conn=conn, agent_id=gone.agent_id, now=now, policy=policy)
    return gone.agent_id


async def unassign(
    *, conn: asyncpg.Connection, ticket: TicketView, now: datetime, reason: UnassignReason
) -> UUID | None:
    """Take the owner off the ticket (`ticket.unassigned`); the caller routes it again."""
    gone = await delete_assignment(conn=conn, ticket_id=ticket.ticket_id)
    if gone is None:
        return None
    await give_back_capacity(conn=conn, agent_id=gone.agent_id)
    await delete_pickup_timer(conn=conn, ticket_id=ticket.ticket_id)
    await set_last_agent(conn=conn, ticket_id=ticket.ticket_id, agent_id=gone.agent_id)
    data = TicketUnassigned(
        ticket_id=ticket.ticket_id,
        agent_id=gone.agent_id,
        team=ticket.team,
        reason=reason,
        unassigned_at=now,
    )
    await record_decision(
        conn=conn,
        ticket_id=ticket.ticket_id,
        kind="unassigned",
        agent_id=gone.agent_id,
        strategy=None,
        reason=reason,
        detail={"reason": reason},
        now=now,
    )
    await publish(conn=conn, data=data, ticket_id=ticket.ticket_id, now=now)
    after_commit(conn, DECISIONS.labels("unassigned", reason).inc)
    return gone.agent_id


async def hand_on(
    *,
    conn: asyncpg.Connection,
    ticket: TicketView,
    now: datetime,
    policy: RoutingPolicy,
    reason: UnassignReason,
    keep_if_nobody_else: bool,
) -> UUID | None:
    """Move the ticket from its owner to someone else. With `keep_if_nobody_else` the owner
    keeps it when no one else is eligible (and the pickup deadline restarts); otherwise it is
    queued. Returns the new owner, or None."""
    old: UUID | None = None
    try:
        async with conn.transaction():
            old = await unassign(conn=conn, ticket=ticket, now=now, reason=reason)
            if old is None:
                return None
            moved = with_last_agent(ticket, old)
            new = await route_ticket(
                conn=conn,
                ticket=moved,
                now=now,
                policy=policy,
                reason="transferred" if reason == "transferred" else "reassigned",
                exclude=frozenset({old}),
                previous_agent_id=old,
                queue_if_none=not keep_if_nobody_else,
            )
            if new is None and keep_if_nobody_else:
                raise _NobodyElse
    except _NobodyElse:
        deadline = pickup_deadline(ticket, now=now, timeouts=policy.pickup_timeout_seconds)
        if deadline is not None and old is not None:
            await set_pickup_timer(
                conn=conn, ticket_id=ticket.ticket_id, agent_id=old, due_at=deadline
            )
        return None
    if old is not None and reason in ("pickup_timeout", "manual", "transferred"):
        await drain_for_agent(conn=conn, agent_id=old, now=now, policy=policy)
    return new


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
    assigned = 0
    for queued in claimed:
        with tracer.start_as_current_span(
            "routing assign queued ticket", context=context_from_carrier(queued.trace_carrier)
        ):
            ticket = await get_ticket(conn=conn, ticket_id=queued.ticket_id)
            if ticket is None or ticket.status not in ACTIVE:
                await dequeue(conn=conn, ticket_id=queued.ticket_id)
                continue
            refused = await assign_to_agent(
                conn=conn,
                ticket=ticket,
                agent_id=agent_id,
                now=now,
                policy=policy,
                reason="queue",
                strategy="skills_load",
            )
            if refused:
                break
            assigned += 1
    return assigned


async def sweep_queue(
    *, conn: asyncpg.Connection, now: datetime, policy: RoutingPolicy, limit: int
) -> int:
    """Route the heads of the queues again: catches capacity that freed while a ticket was
    being queued in another transaction. Call inside a transaction; returns how many moved."""
    assigned = 0
    for queued in await claim_queued(conn=conn, limit=limit):
        with tracer.start_as_current_span(
            "routing retry queued ticket", context=context_from_carrier(queued.trace_carrier)
        ):
            ticket = await get_ticket(conn=conn, ticket_id=queued.ticket_id)
            if ticket is None or ticket.status not in ACTIVE:
                await dequeue(conn=conn, ticket_id=queued.ticket_id)
                continue
            if await route_ticket(
                conn=conn,
                ticket=ticket,
                now=now,
                policy=policy,
                reason="queue",
                queue_if_none=False,
            ):
                assigned += 1
    return assigned
