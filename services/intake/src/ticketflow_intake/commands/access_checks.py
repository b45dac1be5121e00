"""Loading a ticket on behalf of a caller: hidden unless theirs to see, locked to change it;
what every change command is handed (`TicketWrite`) and the shape of one (`ChangeCommand`)."""

from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar
from uuid import UUID

import asyncpg

from ticketflow_common.preconditions import EntityTag, WritePrecondition
from ticketflow_common.problems import ProblemError, not_found
from ticketflow_intake.domain.access import Principal, visible_to
from ticketflow_intake.domain.lifecycle import LifecycleRefused, TicketAction, check_changeable
from ticketflow_intake.domain.tickets import Ticket
from ticketflow_intake.store.tickets import get_ticket

RequestT = TypeVar("RequestT", contravariant=True)


@dataclass(frozen=True)
class TicketWrite:
    """Who writes to which ticket, on what `If-Match`: what every change command starts from."""

    ticket_id: UUID
    principal: Principal
    if_match: WritePrecondition


class ChangeCommand(Protocol[RequestT]):
    """A command changing one ticket as a client's `request` asks, answering with the ticket."""

    def __call__(
        self, *, conn: asyncpg.Connection, write: TicketWrite, request: RequestT, now: datetime
    ) -> Awaitable[Ticket]: ...


async def load_visible(
    *, conn: asyncpg.Connection, ticket_id: UUID, principal: Principal, for_update: bool = False
) -> Ticket:
    """The same 404 whether the ticket is missing or someone else's: nothing leaks."""
    ticket = await get_ticket(conn=conn, ticket_id=ticket_id, for_update=for_update)
    if ticket is None or not visible_to(ticket, principal):
        raise not_found(f"ticket {ticket_id} not found")
    return ticket


async def load_for_change(*, conn: asyncpg.Connection, write: TicketWrite) -> Ticket:
    """Lock the ticket; 412 when the client's If-Match does not hold, 428 when it must be sent."""
    ticket = await load_visible(
        conn=conn, ticket_id=write.ticket_id, principal=write.principal, for_update=True
    )
    write.if_match.check(
        EntityTag(str(ticket.version)),
        what=f"ticket {write.ticket_id}",
        current_version=ticket.version,
    )
    return ticket


@contextmanager
def refusal_as_conflict() -> Iterator[None]:
    """A lifecycle rule's refusal answers 409, listing what the ticket may do instead."""
    try:
        yield
    except LifecycleRefused as exc:
        raise ProblemError(409, exc.reason, **exc.details()) from exc


def ensure_changeable(ticket: Ticket, action: TicketAction) -> None:
    """409 listing what can still be done with the ticket when its status refuses `action`."""
    with refusal_as_conflict():
        check_changeable(ticket.status, action)
