"""The queue read model kept from the bus: each ticket, routing or SLA event applied to the
console's projection, returning the ticket's row as it now is (None: not held yet)."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import asyncpg

from ticketflow_common.events.routing import TicketAssigned, TicketQueued, TicketUnassigned
from ticketflow_common.events.sla import (
    SlaBreached,
    SlaCancelled,
    SlaFacts,
    SlaMet,
    SlaPaused,
    SlaRecalculated,
    SlaResumed,
    SlaStarted,
    SlaWarning,
)
from ticketflow_common.events.tickets import (
    TicketCreated,
    TicketEscalated,
    TicketFacts,
    TicketStatusChanged,
    TicketTransferred,
    TicketUpdated,
)
from ticketflow_console.store import queue_tickets as store
from ticketflow_console.store.queue_tickets import ProjectedTicket

TICKET_EVENTS = (
    TicketCreated,
    TicketUpdated,
    TicketStatusChanged,
    TicketTransferred,
    TicketEscalated,
)
SLA_STATES: dict[type[SlaFacts], tuple[str | None, bool | None]] = {
    SlaStarted: ("running", False),
    SlaResumed: ("running", None),
    SlaWarning: (None, None),
    SlaPaused: ("paused", None),
    SlaBreached: ("breached", True),
    SlaMet: ("met", None),
    SlaCancelled: ("cancelled", None),
    SlaRecalculated: (None, None),
}
"""The state (and breached flag) each SLA event leaves its clock in; None keeps the one held."""

Apply = Callable[[asyncpg.Connection, Any, datetime], Awaitable[ProjectedTicket | None]]


async def project_ticket(
    conn: asyncpg.Connection, e: TicketFacts, now: datetime
) -> ProjectedTicket | None:
    facts = store.TicketFacts(
        ticket_id=e.ticket_id,
        subject=e.subject,
        status=e.status,
        priority=e.priority,
        assignee_id=e.assignee_id,
        team=e.team,
        version=e.version,
        created_at=e.created_at if isinstance(e, TicketCreated) else None,
    )
    return await store.apply_ticket_facts(conn=conn, facts=facts, now=now)


async def project_assigned(
    conn: asyncpg.Connection, e: TicketAssigned, now: datetime
) -> ProjectedTicket | None:
    return await store.apply_owner(
        conn=conn, ticket_id=e.ticket_id, agent_id=e.agent_id, assigned=True, team=e.team, now=now
    )


async def project_unassigned(
    conn: asyncpg.Connection, e: TicketUnassigned, now: datetime
) -> ProjectedTicket | None:
    return await store.apply_owner(
        conn=conn, ticket_id=e.ticket_id, agent_id=e.agent_id, assigned=False, team=e.team, now=now
    )


async def project_queued(
    conn: asyncpg.Connection, e: TicketQueued, now: datetime
) -> ProjectedTicket | None:
    return await store.refresh_deadline(conn=conn, ticket_id=e.ticket_id, previous_owner=None)


def project_clock(model: type[SlaFacts]) -> Apply:
    state, breached = SLA_STATES[model]

    async def apply(conn: asyncpg.Connection, e: Any, now: datetime) -> ProjectedTicket | None:
        due_at: datetime | None = getattr(e, "due_at", None)
        held = state
        if isinstance(e, SlaRecalculated) and e.due_at is None:
            held = "paused"
        return await store.apply_clock(
            conn=conn, ticket_id=e.ticket_id, metric=e.metric, cycle=e.cycle, state=held,
            due_at=due_at, breached=breached, now=now,
        )  # fmt: skip

    return apply
