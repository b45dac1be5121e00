"""Ownership moving: the owner taken off a ticket, and the ticket handed on to someone else."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.events import AutomationCause, TicketUnassigned
from ticketflow_common.events.routing import UnassignReason
from ticketflow_routing.commands.assign import route_ticket
from ticketflow_routing.commands.decisions import emit_decision
from ticketflow_routing.commands.drain import drain_for_agent
from ticketflow_routing.commands.release import let_go
from ticketflow_routing.domain.assignments import (
    FORMER_OWNER_TAKES_FROM_QUEUE,
    KEEP_IF_NOBODY_ELSE,
    assign_reason,
)
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.domain.tickets import TicketProjection, pickup_deadline, with_last_agent
from ticketflow_routing.store.assignments import delete_pickup_timer, set_pickup_timer


class _NobodyElse(Exception):
    """Rolls back a hand-on that found no other owner, so the current one keeps the ticket."""


async def unassign(
    *,
    conn: asyncpg.Connection,
    ticket: TicketProjection,
    now: datetime,
    reason: UnassignReason,
    caused_by: AutomationCause | None = None,
) -> UUID | None:
    """Take the owner off the ticket (`ticket.unassigned`); the caller routes it again."""
    gone = await let_go(conn=conn, ticket_id=ticket.ticket_id)
    if gone is None:
        return None
    await delete_pickup_timer(conn=conn, ticket_id=ticket.ticket_id)
    event = TicketUnassigned(
        ticket_id=ticket.ticket_id,
        agent_id=gone.agent_id,
        team=ticket.team,
        reason=reason,
        unassigned_at=now,
        caused_by=caused_by,
    )
    await emit_decision(conn=conn, event=event, now=now)
    return gone.agent_id


async def hand_on(
    *,
    conn: asyncpg.Connection,
    ticket: TicketProjection,
    now: datetime,
    policy: RoutingPolicy,
    reason: UnassignReason,
    caused_by: AutomationCause | None = None,
) -> UUID | None:
    """Move the ticket from its owner to someone else. When no one else is eligible the owner
    keeps it after a missed pickup or a person's reassignment (the pickup deadline restarts);
    otherwise it is queued. Returns the new owner, or None."""
    keep_if_nobody_else = reason in KEEP_IF_NOBODY_ELSE
    old: UUID | None = None
    try:
        async with conn.transaction():
            old = await unassign(
                conn=conn, ticket=ticket, now=now, reason=reason, caused_by=caused_by
            )
            if old is None:
                return None
            moved = with_last_agent(ticket, old)
            new = await route_ticket(
                conn=conn,
                ticket=moved,
                now=now,
                policy=policy,
                reason=assign_reason(reason),
                exclude=frozenset({old}),
                previous_agent_id=old,
                queue_if_none=not keep_if_nobody_else,
                caused_by=caused_by,
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
    if old is not None and reason in FORMER_OWNER_TAKES_FROM_QUEUE:
        await drain_for_agent(conn=conn, agent_id=old, now=now, policy=policy)
    return new
