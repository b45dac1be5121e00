"""Routing's reaction to ticket events: keep the projection, then make ownership follow it.

Every ticket event carries the ticket's facts and version. An event older than the projection
(reordered or redelivered) changes nothing; a newer one is applied and ownership reconciled
with the ticket's status: active tickets have an owner or a queue place, done ones neither.
"""

from collections.abc import Mapping
from datetime import datetime

import asyncpg

from ticketflow_common.clock import Clock
from ticketflow_common.consumer import Handler
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import (
    TicketCommented,
    TicketCreated,
    TicketEscalated,
    TicketFacts,
    TicketFeedbackReceived,
    TicketStatusChanged,
    TicketTransferred,
    TicketUpdated,
)
from ticketflow_routing.assignments import assign_to_agent, route_ticket
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.domain.tickets import (
    ACTIVE,
    DONE,
    NOT_STARTED,
    TicketView,
    is_newer,
    routing_facts_changed,
    view_after,
)
from ticketflow_routing.handoffs import hand_on, release
from ticketflow_routing.store.agents import get_routable
from ticketflow_routing.store.assignments import delete_pickup_timer, get_assignment
from ticketflow_routing.store.queue import dequeue, is_queued, update_queued
from ticketflow_routing.store.tickets import insert_ticket, lock_ticket, update_ticket

TICKET_EVENTS: tuple[type[TicketFacts], ...] = (
    TicketCreated,
    TicketUpdated,
    TicketStatusChanged,
    TicketCommented,
    TicketFeedbackReceived,
    TicketTransferred,
    TicketEscalated,
)


async def apply_ticket_event(
    *, conn: asyncpg.Connection, event: TicketFacts, now: datetime, policy: RoutingPolicy
) -> bool:
    """Apply one ticket event; False when it was older than what routing already knows."""
    before = await lock_ticket(conn=conn, ticket_id=event.ticket_id)
    if before is None:
        after = view_after(None, event, now=now)
        if not await insert_ticket(conn=conn, view=after):
            before = await lock_ticket(conn=conn, ticket_id=event.ticket_id)
    if before is not None:
        if not is_newer(before, event):
            return False
        after = view_after(before, event, now=now)
        await update_ticket(conn=conn, view=after)
    reopened = isinstance(event, TicketStatusChanged) and event.reopened
    await reconcile(
        conn=conn, before=before, after=after, reopened=reopened, now=now, policy=policy
    )
    return True


async def reconcile(
    *,
    conn: asyncpg.Connection,
    before: TicketView | None,
    after: TicketView,
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
    owner = await get_assignment(conn=conn, ticket_id=after.ticket_id)
    if owner is not None:
        if before is not None and after.team and before.team != after.team:
            agent = await get_routable(conn=conn, agent_id=owner.agent_id)
            if agent is None or after.team not in agent.teams:
                await hand_on(
                    conn=conn,
                    ticket=after,
                    now=now,
                    policy=policy,
                    reason="transferred",
                    keep_if_nobody_else=False,
                )
        return
    if await is_queued(conn=conn, ticket_id=after.ticket_id):
        if before is not None and routing_facts_changed(before, after):
            await dequeue(conn=conn, ticket_id=after.ticket_id)
        else:
            await update_queued(conn=conn, ticket=after)
            return
    was_done = before is not None and before.status in DONE
    if (reopened or was_done) and after.last_agent_id is not None:
        refused = await assign_to_agent(
            conn=conn,
            ticket=after,
            agent_id=after.last_agent_id,
            now=now,
            policy=policy,
            reason="reopened",
            strategy="previous_owner",
            previous_agent_id=after.last_agent_id,
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


def build_handlers(*, clock: Clock, policy: RoutingPolicy) -> Mapping[str, Handler]:
    async def on_ticket_event(
        conn: asyncpg.Connection, _envelope: Envelope, event: TicketFacts
    ) -> None:
        await apply_ticket_event(conn=conn, event=event, now=clock(), policy=policy)

    return {model.event_type: on_ticket_event for model in TICKET_EVENTS}
