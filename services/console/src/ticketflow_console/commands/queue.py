"""An agent's queue: their open tickets with each one's next SLA deadline, most urgent first,
read from the console's projection, and what a live change does to one user's queue."""

from dataclasses import dataclass

import asyncpg

from ticketflow_console.adapters.services import Services, UpstreamDown
from ticketflow_console.domain.sessions import Session
from ticketflow_console.domain.urgency import QueueTicket, queue_effect
from ticketflow_console.store.queue_tickets import ProjectedTicket, queue_of_agent


@dataclass(frozen=True)
class TicketChange:
    """One ticket as the projection holds it right after an event changed it."""

    ticket_id: str
    projected: ProjectedTicket


@dataclass(frozen=True)
class QueueUpdate:
    """A ticket to show (`row`) or to take off (`row` None) the user's queue."""

    ticket_id: str
    row: QueueTicket | None


@dataclass(frozen=True)
class QueuePage:
    """One page of a queue, and whether a later page exists."""

    rows: list[QueueTicket]
    page: int
    more: bool


async def my_queue(
    *, conn: asyncpg.Connection, session: Session, limit: int, page: int
) -> QueuePage:
    """The user's open tickets in urgency order: only those whose owner is the user's own agent
    (identity's `agent_id` claim); empty for a user who is no routing agent."""
    if session.agent_id is None:
        return QueuePage([], page, more=False)
    rows = await queue_of_agent(
        conn=conn, agent_id=session.agent_id, limit=limit + 1, offset=page * limit
    )
    return QueuePage(rows[:limit], page, more=len(rows) > limit)


async def my_agent_status(*, services: Services, session: Session) -> str | None:
    """The user's routing status (online, away, offline); None for no agent or no answer."""
    if session.agent_id is None:
        return None
    try:
        agent = await services.agent(session.access_token, session.agent_id)
    except UpstreamDown:
        return None
    return str(agent["status"]) if agent else None


def queue_update(*, session: Session, change: TicketChange) -> QueueUpdate | None:
    """What `change` does to the user's queue; None for nothing (a ticket not theirs)."""
    projected = change.projected
    effect = queue_effect(
        is_open=projected.is_open,
        owner=projected.owner,
        previous_owner=projected.previous_owner,
        me=str(session.agent_id) if session.agent_id is not None else None,
    )
    if effect == "keep":
        return None
    if effect == "remove":
        return QueueUpdate(change.ticket_id, None)
    return QueueUpdate(change.ticket_id, projected.row)
