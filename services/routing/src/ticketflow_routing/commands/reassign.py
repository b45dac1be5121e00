"""Reassignment by a person, a rule or a macro: to a chosen agent, or to the best other
eligible one."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.events import AutomationCause
from ticketflow_common.problems import ProblemError, not_found
from ticketflow_routing.commands.assign import assign_to_agent, route_ticket
from ticketflow_routing.commands.hand_on import hand_on, unassign
from ticketflow_routing.commands.ticket_routing import owner_of
from ticketflow_routing.domain.assignments import AssignmentRequest
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.domain.ticket_routing import Owner
from ticketflow_routing.domain.tickets import ACTIVE
from ticketflow_routing.store.assignments import get_assignment
from ticketflow_routing.store.queue import dequeue
from ticketflow_routing.store.tickets import lock_ticket


async def reassign(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    agent_id: UUID | None,
    now: datetime,
    policy: RoutingPolicy,
) -> Owner:
    """The new owner: `agent_id` (capacity is still respected), or the best other eligible
    agent. A refusal (404, 409) raises and changes nothing."""
    async with conn.transaction():
        await change_owner(
            conn=conn, ticket_id=ticket_id, agent_id=agent_id, now=now, policy=policy
        )
    owner = await owner_of(conn=conn, ticket_id=ticket_id)
    assert owner is not None
    return owner


async def change_owner(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    agent_id: UUID | None,
    now: datetime,
    policy: RoutingPolicy,
    caused_by: AutomationCause | None = None,
) -> bool:
    """Reassign in the caller's transaction; False when `agent_id` owns it already. A refusal
    raises (404, 409) and the caller rolls back. With `caused_by` (a rule or macro) the agent
    must be in the ticket's team, and every event it causes carries it."""
    ticket = await lock_ticket(conn=conn, ticket_id=ticket_id)
    if ticket is None:
        raise not_found(f"ticket {ticket_id} is not known to routing")
    if ticket.status not in ACTIVE:
        raise ProblemError(
            409, f"ticket {ticket_id} is {ticket.status}; only open tickets are routed"
        )
    owner = await get_assignment(conn=conn, ticket_id=ticket_id)
    if agent_id is None:
        if owner is None:
            await dequeue(conn=conn, ticket_id=ticket_id)
            new = await route_ticket(
                conn=conn,
                ticket=ticket,
                now=now,
                policy=policy,
                reason="automation" if caused_by else "manual",
                caused_by=caused_by,
            )
        else:
            new = await hand_on(
                conn=conn,
                ticket=ticket,
                now=now,
                policy=policy,
                reason="manual",
                caused_by=caused_by,
            )
        if new is None:
            raise ProblemError(409, "no other eligible agent with spare capacity")
        return True
    if owner is not None and owner.agent_id == agent_id:
        return False
    previous = None
    if owner is not None:
        previous = await unassign(
            conn=conn, ticket=ticket, now=now, reason="manual", caused_by=caused_by
        )
    await dequeue(conn=conn, ticket_id=ticket_id)
    request = (
        AssignmentRequest.by_hand(agent_id, previous_agent_id=previous)
        if caused_by is None
        else AssignmentRequest.by_automation(
            agent_id, previous_agent_id=previous, caused_by=caused_by
        )
    )
    refused = await assign_to_agent(
        conn=conn, ticket=ticket, request=request, now=now, policy=policy
    )
    if refused:
        status = 404 if refused[0].endswith("not found") else 409
        raise ProblemError(status, "; ".join(refused))
    return True
