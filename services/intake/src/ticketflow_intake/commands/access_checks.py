"""Loading a ticket on behalf of a caller: hidden unless theirs to see, locked to change it."""

from uuid import UUID

import asyncpg

from ticketflow_common.preconditions import EntityTag, WritePrecondition
from ticketflow_common.problems import ProblemError, not_found
from ticketflow_intake.domain.access import Principal, visible_to
from ticketflow_intake.domain.lifecycle import (
    ActionRefused,
    LifecycleRefused,
    TicketAction,
    check_changeable,
)
from ticketflow_intake.domain.tickets import Ticket
from ticketflow_intake.store.tickets import get_ticket


async def load_visible(
    *, conn: asyncpg.Connection, ticket_id: UUID, principal: Principal, for_update: bool = False
) -> Ticket:
    """The same 404 whether the ticket is missing or someone else's: nothing leaks."""
    ticket = await get_ticket(conn=conn, ticket_id=ticket_id, for_update=for_update)
    if ticket is None or not visible_to(ticket, principal):
        raise not_found(f"ticket {ticket_id} not found")
    return ticket


async def load_for_change(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    principal: Principal,
    if_match: WritePrecondition,
) -> Ticket:
    """Lock the ticket; 412 when the client's If-Match does not hold, 428 when it must be sent."""
    ticket = await load_visible(
        conn=conn, ticket_id=ticket_id, principal=principal, for_update=True
    )
    if_match.check(
        EntityTag(str(ticket.version)), what=f"ticket {ticket_id}", current_version=ticket.version
    )
    return ticket


def refused(exc: LifecycleRefused) -> ProblemError:
    """409 that lists what the ticket may do instead."""
    return ProblemError(409, exc.reason, **exc.details())


def ensure_changeable(ticket: Ticket, action: TicketAction) -> None:
    """409 listing what can still be done with the ticket when its status refuses `action`."""
    try:
        check_changeable(ticket.status, action)
    except ActionRefused as exc:
        raise refused(exc) from exc
