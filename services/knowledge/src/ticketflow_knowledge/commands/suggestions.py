"""Suggest answers: asked for through the API (requesters see public items only), and for each
new ticket (every item, each marked public or not), stored once per ticket and announced."""

import uuid
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.events import TicketCreated
from ticketflow_common.events.knowledge import KnowledgeSuggested, SuggestedItem
from ticketflow_common.outbox import emit
from ticketflow_common.problems import FieldError, ProblemError, invalid_field, invalid_fields
from ticketflow_common.problems import not_found as not_found_problem
from ticketflow_knowledge.commands.metrics import (
    KNOWLEDGE_SUGGESTION_SECONDS,
    KNOWLEDGE_SUGGESTIONS,
)
from ticketflow_knowledge.commands.ranking import rank_items
from ticketflow_knowledge.commands.term_counts import TermCounts
from ticketflow_knowledge.domain.access import Caller
from ticketflow_knowledge.domain.ranking import ALL_KINDS, RankQuery
from ticketflow_knowledge.domain.suggestions import (
    Suggestion,
    SuggestionAsk,
    may_read,
    query_text,
    seen_by,
)
from ticketflow_knowledge.store.suggestions import (
    find_suggestion,
    insert_suggestion,
    suggestion_for_ticket,
    ticket_requester,
)


async def _ranked(
    *, conn: asyncpg.Connection, query: RankQuery, origin: str, counts: TermCounts | None = None
) -> list[SuggestedItem]:
    with KNOWLEDGE_SUGGESTION_SECONDS.time():
        items = await rank_items(conn=conn, query=query, counts=counts)
    KNOWLEDGE_SUGGESTIONS.labels(origin=origin, found=str(bool(items)).lower()).inc()
    return items


async def _requester_for_ticket(
    *, conn: asyncpg.Connection, caller: Caller, ticket_id: UUID
) -> str:
    """The ticket's requester; requesters may only ask for their own tickets."""
    requester = await ticket_requester(conn=conn, ticket_id=ticket_id)
    if requester is None:
        raise invalid_field("ticket_id", f"no ticket {ticket_id} is known")
    if not caller.is_staff and requester != caller.subject:
        raise ProblemError(403, "requesters may only ask for suggestions for their own tickets")
    existing = await suggestion_for_ticket(conn=conn, ticket_id=ticket_id)
    if existing is not None:
        raise ProblemError(
            409,
            f"ticket {ticket_id} already has its suggestion {existing}",
            suggestion_id=str(existing),
        )
    return requester


async def suggest(
    *,
    conn: asyncpg.Connection,
    caller: Caller,
    ask: SuggestionAsk,
    now: datetime,
    default_limit: int,
    min_score: float,
    counts: TermCounts | None = None,
) -> Suggestion:
    """`POST /suggestions`: ranked (with the process's remembered term statistics, `counts`),
    stored (for the caller when a requester), answered."""
    text = query_text(ask.subject, ask.description)
    if not text:
        raise invalid_fields(
            [
                FieldError(field="subject", reason="subject and description are both empty"),
                FieldError(field="description", reason="subject and description are both empty"),
            ]
        )
    # No transaction: the ranking only reads, and the one write is a single statement whose
    # unique ticket_id settles a race for the same ticket (409 below); two fewer round trips.
    requester_id = None if caller.is_staff else caller.subject
    if ask.ticket_id is not None:
        requester_id = await _requester_for_ticket(
            conn=conn, caller=caller, ticket_id=ask.ticket_id
        )
    items = await _ranked(
        conn=conn,
        origin="api",
        counts=counts,
        query=RankQuery(
            text=text,
            language=ask.language,
            public_only=not caller.is_staff,
            kinds=tuple(dict.fromkeys(ask.kinds)) if ask.kinds else ALL_KINDS,
            limit=ask.limit or default_limit,
            min_score=min_score,
        ),
    )
    suggestion = Suggestion(
        suggestion_id=uuid.uuid4(),
        ticket_id=ask.ticket_id,
        requester_id=requester_id,
        language=ask.language,
        query=text,
        items=items,
        created_at=now,
    )
    if not await insert_suggestion(conn=conn, suggestion=suggestion):
        raise ProblemError(409, f"ticket {ask.ticket_id} already has its suggestion")
    return suggestion


async def suggest_for_ticket(
    *, conn: asyncpg.Connection, ticket: TicketCreated, now: datetime, limit: int, min_score: float
) -> Suggestion | None:
    """Rank the new ticket's subject and description over every item; store the ticket's one
    suggestion and, when anything was found, emit `knowledge.suggested`. None (and nothing
    emitted) when the ticket already has its suggestion: a redelivered ticket.created."""
    async with conn.transaction():
        if await suggestion_for_ticket(conn=conn, ticket_id=ticket.ticket_id) is not None:
            return None
        text = query_text(ticket.subject, ticket.description)
        items = (
            await _ranked(
                conn=conn,
                origin="ticket",
                query=RankQuery(
                    text=text,
                    language=ticket.language,
                    public_only=False,
                    limit=limit,
                    min_score=min_score,
                ),
            )
            if text
            else []
        )
        suggestion = Suggestion(
            suggestion_id=uuid.uuid4(),
            ticket_id=ticket.ticket_id,
            requester_id=ticket.requester_id,
            language=ticket.language,
            query=text,
            items=items,
            created_at=now,
        )
        if not await insert_suggestion(conn=conn, suggestion=suggestion):
            return None
        if items:
            await emit(
                conn,
                KnowledgeSuggested(
                    ticket_id=ticket.ticket_id,
                    suggestion_id=suggestion.suggestion_id,
                    language=ticket.language,
                    requester_id=ticket.requester_id,
                    requester_email=ticket.requester_email,
                    items=items,
                    suggested_at=now,
                ),
                subject=str(ticket.ticket_id),
                now=now,
            )
    return suggestion


async def read_suggestion(
    *, conn: asyncpg.Connection, caller: Caller, suggestion_id: UUID
) -> Suggestion:
    """Staff read any; a requester those made for them (404 for the others: not theirs to
    know of); requesters never see its internal items."""
    found = await find_suggestion(conn=conn, suggestion_id=suggestion_id)
    if found is None or not may_read(found, caller):
        raise not_found_problem(f"suggestion {suggestion_id} not found")
    return seen_by(found, caller)
