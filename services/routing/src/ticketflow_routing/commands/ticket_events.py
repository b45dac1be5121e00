"""Routing's reaction to ticket events: keep the projection, then make ownership follow it.

Every ticket event carries the ticket's facts and version. An event older than the projection
(reordered or redelivered) changes nothing; a newer one is applied and ownership reconciled
with the ticket's status: active tickets have an owner or a queue place, done ones neither.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_common.envelope import Envelope
from ticketflow_common.events import TicketCreated, TicketFacts, TicketStatusChanged
from ticketflow_common.inbox import in_its_span
from ticketflow_routing.commands.assign import assign_to_agent, route_ticket
from ticketflow_routing.commands.hand_on import hand_on
from ticketflow_routing.commands.release import release
from ticketflow_routing.domain.assignments import AssignmentRequest
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.domain.tickets import (
    ACTIVE,
    DONE,
    NOT_STARTED,
    TicketProjection,
    is_newer,
    projection_after,
    routing_facts_changed,
)
from ticketflow_routing.store.agents import get_routable
from ticketflow_routing.store.assignments import delete_pickup_timer, get_assignment
from ticketflow_routing.store.queue import dequeue, is_queued, update_queued
from ticketflow_routing.store.tickets import (
    insert_ticket,
    insert_tickets,
    lock_ticket,
    update_ticket,
)


async def on_ticket_event(
    *,
    conn: asyncpg.Connection,
    envelope: Envelope,
    event: TicketFacts,
    now: datetime,
    policy: RoutingPolicy,
) -> None:
    """The command for every ticket event, run in the transaction that records it processed."""
    await apply_ticket_event(conn=conn, event=event, now=now, policy=policy)


async def on_ticket_events(
    *,
    conn: asyncpg.Connection,
    events: Sequence[tuple[Envelope, Any]],
    now: datetime,
    policy: RoutingPolicy,
) -> None:
    """`on_ticket_event` for a batch's run of ticket events: the tickets whose first event in
    the run is their `ticket.created` are inserted in one statement, then every event applied
    in order (those inserted only reconciled)."""
    seen: set[UUID] = set()
    first: dict[UUID, tuple[TicketCreated, TicketProjection]] = {}
    for _, event in events:
        if isinstance(event, TicketCreated) and event.ticket_id not in seen:
            first[event.ticket_id] = (event, projection_after(None, event, now=now))
        seen.add(event.ticket_id)
    inserted = (
        await insert_tickets(conn=conn, tickets=[p for _, p in first.values()]) if first else set()
    )
    for envelope, event in events:
        created = first.get(event.ticket_id)
        with in_its_span(envelope):
            if created is not None and created[0] is event and event.ticket_id in inserted:
                await reconcile(
                    conn=conn, before=None, after=created[1], reopened=False, now=now, policy=policy
                )
            else:
                await apply_ticket_event(conn=conn, event=event, now=now, policy=policy)


async def apply_ticket_event(
    *, conn: asyncpg.Connection, event: TicketFacts, now: datetime, policy: RoutingPolicy
) -> bool:
    """Apply one ticket event; False when it was older than what routing already knows."""
    # A ticket.created is nearly always news: trying the insert first saves the lookup.
    fresh = isinstance(event, TicketCreated)
    before = None if fresh else await lock_ticket(conn=conn, ticket_id=event.ticket_id)
    if before is None:
        after = projection_after(None, event, now=now)
        if not await insert_ticket(conn=conn, ticket=after):
            before = await lock_ticket(conn=conn, ticket_id=event.ticket_id)
    if before is not None:
        if not is_newer(before, event):
            return False
        after = projection_after(before, event, now=now)
        await update_ticket(conn=conn, ticket=after)
    reopened = isinstance(event, TicketStatusChanged) and event.reopened
    await reconcile(
        conn=conn, before=before, after=after, reopened=reopened, now=now, policy=policy
    )
    return True


async def reconcile(
    *,
    conn: asyncpg.Connection,
    before: TicketProjection | None,
    after: TicketProjection,
    reopened: bool,
    now: datetime,
    policy: RoutingPolicy,
) -> None:
    """Make ownership match the ticket's (locked, just updated) state."""
    if after.status in DONE:
        await release(
            conn=conn, ticket=after, now=now, policy=policy, resolved=after.status == "resolved"
        )
        return
    if after.status not in NOT_STARTED:
        await delete_pickup_timer(conn=conn, ticket_id=after.ticket_id)
    if after.status not in ACTIVE:  # pending approval: nobody works on it yet
        await dequeue(conn=conn, ticket_id=after.ticket_id)
        return
    # A ticket seen for the first time has no owner and no place in the queue: routing assigns
    # and queues only the tickets it knows, and never forgets one.
    if before is not None:
        owner = await get_assignment(conn=conn, ticket_id=after.ticket_id)
        if owner is not None:
            if after.team and before.team != after.team:
                agent = await get_routable(conn=conn, agent_id=owner.agent_id)
                if agent is None or after.team not in agent.teams:
                    await hand_on(
                        conn=conn, ticket=after, now=now, policy=policy, reason="transferred"
                    )
            return
        if await is_queued(conn=conn, ticket_id=after.ticket_id):
            if not routing_facts_changed(before, after):
                await update_queued(conn=conn, ticket=after)
                return
            await dequeue(conn=conn, ticket_id=after.ticket_id)
    was_done = before is not None and before.status in DONE
    if (reopened or was_done) and after.last_agent_id is not None:
        request = AssignmentRequest.back_to_last_owner(after.last_agent_id)
        refused = await assign_to_agent(
            conn=conn, ticket=after, request=request, now=now, policy=policy
        )
        if not refused:
            return
    reason = "new" if before is None else ("reopened" if reopened or was_done else "updated")
    await route_ticket(
        conn=conn,
        ticket=after,
        now=now,
        policy=policy,
        reason=reason,
        previous_agent_id=after.last_agent_id if reason == "reopened" else None,
    )
