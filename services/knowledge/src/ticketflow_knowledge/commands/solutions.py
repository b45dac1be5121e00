"""Learning solutions from intake's ticket events: keep each ticket's facts (the newest version
wins, whatever order events come in) and index a solved ticket's marked answer."""

from datetime import datetime

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.envelope import Envelope
from ticketflow_common.events import (
    TicketCreated,
    TicketSolutionMarked,
    TicketStatusChanged,
    TicketUpdated,
)
from ticketflow_knowledge.commands.metrics import KNOWLEDGE_SOLUTIONS_LEARNED
from ticketflow_knowledge.domain.solutions import LearnedTicket, solution_item
from ticketflow_knowledge.store import tickets
from ticketflow_knowledge.store.search_items import index_item


async def record_ticket(*, conn: asyncpg.Connection, ticket: TicketCreated, now: datetime) -> None:
    """A new ticket joins the projection (or completes a row a later event made first)."""
    learned = await tickets.record_created(conn=conn, event=ticket)
    await index_solution(conn=conn, ticket=learned, now=now)


async def on_status_changed(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketStatusChanged, now: datetime
) -> None:
    """Resolved or closed: its solution goes live; reopened: it stops being suggested."""
    learned = await tickets.apply_facts(conn=conn, facts=event, at=event.changed_at)
    if learned is not None:
        await index_solution(conn=conn, ticket=learned, now=now)


async def on_ticket_updated(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketUpdated, now: datetime
) -> None:
    """A new category or language re-files (and re-analyses) the solution."""
    learned = await tickets.apply_facts(conn=conn, facts=event, at=event.updated_at)
    if learned is not None:
        await index_solution(conn=conn, ticket=learned, now=now)


async def on_solution_marked(
    *, conn: asyncpg.Connection, envelope: Envelope, event: TicketSolutionMarked, now: datetime
) -> None:
    """Store the marked answer unless a newer mark is stored already; live once solved."""
    await tickets.apply_facts(conn=conn, facts=event, at=event.marked_at, subject=event.subject)
    learned = await tickets.store_solution(
        conn=conn,
        ticket_id=event.ticket_id,
        comment_id=event.comment_id,
        solution=event.solution,
        marked_by=event.marked_by,
        marked_at=event.marked_at,
        version=event.version,
    )
    if learned is None:
        return
    after_commit(conn, KNOWLEDGE_SOLUTIONS_LEARNED.inc)
    await index_solution(conn=conn, ticket=learned, now=now)


async def index_solution(*, conn: asyncpg.Connection, ticket: LearnedTicket, now: datetime) -> None:
    """(Re)write the ticket's search item from the projection, once it has a solution."""
    item = solution_item(ticket)
    if item is not None:
        await index_item(conn=conn, item=item, now=now)
