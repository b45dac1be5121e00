"""Reading tickets: one by id, a page of a search, and a ticket's timeline, as the caller may."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_common.pagination import CURSOR_FIELD, Page, encode_cursor, page_of, read_cursor
from ticketflow_common.problems import invalid_field
from ticketflow_intake.commands.access_checks import load_visible
from ticketflow_intake.domain import search
from ticketflow_intake.domain.access import Principal
from ticketflow_intake.domain.search import BadCursor, TicketQuery
from ticketflow_intake.domain.tickets import Ticket
from ticketflow_intake.domain.timeline import TimelineEntry, readable_types, visible_entry
from ticketflow_intake.store.search import search_tickets
from ticketflow_intake.store.timeline import internal_note_events, timeline_after

TIMELINE_KIND = "intake.timeline"


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
    return Page[Ticket](items=tickets, next_cursor=search.encode_cursor(cursor) if cursor else None)


async def read_timeline(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    principal: Principal,
    cursor: str | None,
    limit: int,
) -> Page[TimelineEntry]:
    """A page of the ticket's events, oldest first, cut down to what the caller may read; it
    reads on past entries the caller may not see, so a page is full unless it is the last."""
    await load_visible(conn=conn, ticket_id=ticket_id, principal=principal)
    after = read_cursor(cursor, kind=TIMELINE_KIND, parse=_timeline_position)
    notes = (
        set()
        if principal.reads_internal_notes
        else await internal_note_events(conn=conn, ticket_id=ticket_id)
    )
    types = readable_types(principal)
    seen: list[tuple[int, TimelineEntry]] = []
    while len(seen) <= limit:
        rows = await timeline_after(
            conn=conn, ticket_id=ticket_id, after=after, types=types, limit=limit + 1
        )
        for row_id, entry in rows:
            if (shown := visible_entry(entry, principal, notes)) is not None:
                seen.append((row_id, shown))
        if len(rows) <= limit:
            break
        after = (rows[-1][1].time, rows[-1][0])
    page = page_of(seen, limit=limit, cursor=_timeline_cursor)
    return Page[TimelineEntry](items=[e for _, e in page.items], next_cursor=page.next_cursor)


def _timeline_position(position: dict[str, Any]) -> tuple[datetime, int]:
    """The entry's time and row id (the tie-break of entries at the same time)."""
    row_id = position["id"]
    if not isinstance(row_id, int) or isinstance(row_id, bool):
        raise ValueError("a timeline cursor holds a row number")
    return datetime.fromisoformat(str(position["at"])), row_id


def _timeline_cursor(seen: tuple[int, TimelineEntry]) -> str:
    row_id, entry = seen
    return encode_cursor(TIMELINE_KIND, {"at": entry.time.isoformat(), "id": row_id})
