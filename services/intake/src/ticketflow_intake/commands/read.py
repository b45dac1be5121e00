"""Reading tickets: one by id, a page of a search, and a ticket's timeline, as the caller may."""

from uuid import UUID

import asyncpg

from ticketflow_common.pagination import CURSOR_FIELD, Page
from ticketflow_common.problems import invalid_field
from ticketflow_intake.commands.access_checks import load_visible
from ticketflow_intake.domain.access import Principal
from ticketflow_intake.domain.search import BadCursor, TicketQuery, encode_cursor
from ticketflow_intake.domain.tickets import Ticket
from ticketflow_intake.domain.timeline import TimelineEntry, visible_timeline
from ticketflow_intake.store.search import search_tickets
from ticketflow_intake.store.timeline import timeline_of


async def read_ticket(*, conn: asyncpg.Connection, ticket_id: UUID, principal: Principal) -> Ticket:
    return await load_visible(conn=conn, ticket_id=ticket_id, principal=principal)


async def find_tickets(
    *, conn: asyncpg.Connection, query: TicketQuery, principal: Principal
) -> Page[Ticket]:
    """Filter, search and page (keyset on the sort key and id; the cursor holds the sort);
    requesters only ever see their own tickets."""
    try:
        tickets, cursor = await search_tickets(conn=conn, query=query, principal=principal)
    except BadCursor as exc:
        raise invalid_field(CURSOR_FIELD, str(exc)) from exc
    return Page[Ticket](items=tickets, next_cursor=encode_cursor(cursor) if cursor else None)


async def read_timeline(
    *, conn: asyncpg.Connection, ticket_id: UUID, principal: Principal
) -> list[TimelineEntry]:
    """Every event of the ticket, oldest first, cut down to what the caller may read."""
    await load_visible(conn=conn, ticket_id=ticket_id, principal=principal)
    entries = await timeline_of(conn=conn, ticket_id=ticket_id)
    return visible_timeline(entries, principal)
