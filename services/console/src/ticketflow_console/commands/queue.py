"""An agent's queue: their open tickets with each one's next SLA deadline, most urgent first,
and the row a live change makes of one ticket."""

from dataclasses import dataclass
from typing import Literal

from ticketflow_console.adapters.services import Json, Services, UpstreamDown
from ticketflow_console.domain.sessions import Session
from ticketflow_console.domain.times import parse_instant
from ticketflow_console.domain.urgency import (
    OPEN_STATUSES,
    QueueTicket,
    SlaClock,
    by_urgency,
    next_deadline,
    queue_effect,
)


@dataclass(frozen=True)
class TicketChange:
    """What the console heard about one ticket on the bus: routing's events say who now owns
    it (`owner_event`, `agent_id`); any other event only that it changed."""

    ticket_id: str
    event_type: str
    owner_event: Literal["assigned", "unassigned"] | None = None
    agent_id: str | None = None


@dataclass(frozen=True)
class QueueUpdate:
    """A ticket to show (`row`) or to take off (`row` None) the user's queue."""

    ticket_id: str
    row: QueueTicket | None


async def my_queue(*, services: Services, session: Session, limit: int) -> list[QueueTicket]:
    """The user's open tickets in urgency order; empty for a user who is no routing agent."""
    if session.agent_id is None:
        return []
    tickets = await services.my_open_tickets(
        session.access_token,
        agent_id=session.agent_id,
        statuses=sorted(OPEN_STATUSES),
        limit=limit,
    )
    clocks = await services.clocks_of(session.access_token, [t["id"] for t in tickets])
    return by_urgency(queue_ticket(t, clocks[t["id"]]) for t in tickets)


async def my_agent_status(*, services: Services, session: Session) -> str | None:
    """The user's routing status (online, away, offline); None for no agent or no answer."""
    if session.agent_id is None:
        return None
    try:
        agent = await services.agent(session.access_token, session.agent_id)
    except UpstreamDown:
        return None
    return str(agent["status"]) if agent else None


async def queue_update(
    *, services: Services, session: Session, change: TicketChange
) -> QueueUpdate | None:
    """What `change` does to the user's queue; None for nothing (or a ticket they may not see)."""
    ticket = await services.ticket(session.access_token, change.ticket_id)
    if ticket is None:
        return None
    effect = queue_effect(
        status=ticket["status"],
        owner_event=change.owner_event,
        event_agent=change.agent_id,
        current_owner=(ticket.get("owner") or {}).get("agent_id"),
        me=str(session.agent_id) if session.agent_id is not None else None,
    )
    if effect == "keep":
        return None
    if effect == "remove":
        return QueueUpdate(change.ticket_id, None)
    clocks = await services.clocks(session.access_token, change.ticket_id)
    return QueueUpdate(change.ticket_id, queue_ticket(ticket, clocks))


def queue_ticket(ticket: Json, clocks: list[Json]) -> QueueTicket:
    created = parse_instant(ticket["created_at"])
    assert created is not None
    return QueueTicket(
        ticket_id=ticket["id"],
        subject=ticket["subject"],
        priority=ticket["priority"],
        status=ticket["status"],
        created_at=created,
        deadline=next_deadline(sla_clock(c) for c in clocks),
    )


def sla_clock(clock: Json) -> SlaClock:
    return SlaClock(
        metric=clock["metric"],
        state=clock["state"],
        due_at=parse_instant(clock.get("due_at")),
        breached=bool(clock.get("breached")),
    )
