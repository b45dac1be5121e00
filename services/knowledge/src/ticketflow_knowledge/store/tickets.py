"""SQL for the tickets projection: each event's facts applied only when newer than the row's
`version` (events may come late or twice), a row made by whichever event comes first."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_common.events import TicketCreated, TicketFacts
from ticketflow_knowledge.domain.solutions import LearnedTicket, resolved_at_for

COLUMNS = (
    "ticket_id, subject, description, language, category, team, status, requester_id,"
    " created_at, resolved_at, solution_comment_id, solution, solution_marked_by,"
    " solution_marked_at, version, solution_version"
)
NEWER = "tickets.version < EXCLUDED.version"
FACTS_IF_NEWER = ", ".join(
    f"{column} = CASE WHEN {NEWER} THEN EXCLUDED.{column} ELSE tickets.{column} END"
    for column in ("language", "category", "team", "status", "requester_id")
)
RESOLVED_AT_IF_NEWER = (
    "resolved_at = CASE WHEN NOT " + NEWER + " THEN tickets.resolved_at"
    " WHEN EXCLUDED.resolved_at IS NULL THEN NULL"
    " WHEN tickets.status IN ('resolved', 'closed') AND tickets.resolved_at IS NOT NULL"
    " THEN tickets.resolved_at ELSE EXCLUDED.resolved_at END"
)
"""Resolved -> closed keeps the time it was resolved; reopened clears it; resolved anew sets it."""


def learned_ticket(row: asyncpg.Record) -> LearnedTicket:
    return LearnedTicket(**dict(row))


def fact_values(facts: TicketFacts, *, at: datetime) -> list[Any]:
    return [
        facts.ticket_id,
        facts.language,
        facts.category,
        facts.team,
        facts.status,
        facts.requester_id,
        resolved_at_for(facts.status, at=at),
        facts.version,
        at,
    ]


async def record_created(*, conn: asyncpg.Connection, event: TicketCreated) -> LearnedTicket:
    """The ticket as created; a row an earlier-arriving later event made keeps its newer facts
    and gains what only creation tells (description, creation time, e-mail, subject if none)."""
    row = await conn.fetchrow(
        "INSERT INTO tickets (ticket_id, language, category, team, status, requester_id,"
        " resolved_at, version, created_at, subject, description, requester_email)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        " ON CONFLICT (ticket_id) DO UPDATE SET "
        + FACTS_IF_NEWER
        + ", "
        + RESOLVED_AT_IF_NEWER
        + ", version = GREATEST(tickets.version, EXCLUDED.version),"
        " created_at = EXCLUDED.created_at, description = EXCLUDED.description,"
        " requester_email = EXCLUDED.requester_email,"
        " subject = CASE WHEN tickets.subject = '' THEN EXCLUDED.subject ELSE tickets.subject END"
        " RETURNING " + COLUMNS,
        *fact_values(event, at=event.created_at),
        event.subject,
        event.description,
        event.requester_email,
    )
    return learned_ticket(row)


async def apply_facts(
    *, conn: asyncpg.Connection, facts: TicketFacts, at: datetime, subject: str | None = None
) -> LearnedTicket | None:
    """A later event's facts (and `subject` when it carries one); None when the row already
    holds a newer version. A row made here waits for `ticket.created` for its description and
    creation time (until then: an empty description, created at `at`)."""
    row = await conn.fetchrow(
        "INSERT INTO tickets (ticket_id, language, category, team, status, requester_id,"
        " resolved_at, version, created_at, subject)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE($10, ''))"
        " ON CONFLICT (ticket_id) DO UPDATE SET "
        + FACTS_IF_NEWER
        + ", "
        + RESOLVED_AT_IF_NEWER
        + ", version = EXCLUDED.version, subject = COALESCE($10, tickets.subject)"
        " WHERE " + NEWER + " RETURNING " + COLUMNS,
        *fact_values(facts, at=at),
        subject,
    )
    return learned_ticket(row) if row else None


async def store_solution(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    comment_id: UUID,
    solution: str,
    marked_by: str,
    marked_at: datetime,
    version: int,
) -> LearnedTicket | None:
    """The ticket's solution as marked at `version`; None when a newer mark is stored."""
    row = await conn.fetchrow(
        "UPDATE tickets SET solution_comment_id = $2, solution = $3, solution_marked_by = $4,"
        " solution_marked_at = $5, solution_version = $6"
        " WHERE ticket_id = $1 AND solution_version < $6 RETURNING " + COLUMNS,
        ticket_id,
        comment_id,
        solution,
        marked_by,
        marked_at,
        version,
    )
    return learned_ticket(row) if row else None


async def get_ticket(*, conn: asyncpg.Connection, ticket_id: UUID) -> LearnedTicket | None:
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM tickets WHERE ticket_id = $1", ticket_id)
    return learned_ticket(row) if row else None


LISTED = (
    "SELECT t.ticket_id, t.subject, t.description, t.language, t.category, t.team, t.status,"
    " t.requester_id, t.created_at, t.resolved_at, t.solution_comment_id, t.solution,"
    " t.solution_marked_by, t.solution_marked_at, t.version, t.solution_version,"
    " COALESCE(s.reuse_count, 0) AS reuse_count FROM tickets t"
    " LEFT JOIN search_items s ON s.kind = 'solution' AND s.item_id = t.ticket_id"
)


async def list_solutions(
    *,
    conn: asyncpg.Connection,
    category: str | None,
    limit: int,
    after: tuple[datetime, UUID] | None = None,
) -> list[tuple[LearnedTicket, int]]:
    """Tickets with a solution (live or not) and how often each was reused, newest mark first
    then by id, after a (solution_marked_at, ticket_id) position."""
    rows = await conn.fetch(
        LISTED + " WHERE t.solution IS NOT NULL AND t.solution_comment_id IS NOT NULL"
        " AND t.solution_marked_by IS NOT NULL AND t.solution_marked_at IS NOT NULL"
        " AND ($1::text IS NULL OR t.category = $1)"
        " AND ($3::timestamptz IS NULL OR t.solution_marked_at < $3"
        " OR (t.solution_marked_at = $3 AND t.ticket_id > $4::uuid))"
        " ORDER BY t.solution_marked_at DESC, t.ticket_id LIMIT $2",
        category,
        limit,
        after[0] if after else None,
        after[1] if after else None,
    )
    return [_with_reuse(r) for r in rows]


async def solutions_of(
    *, conn: asyncpg.Connection, ticket_ids: list[UUID]
) -> dict[UUID, tuple[LearnedTicket, int]]:
    """The tickets among `ticket_ids` that have a solution, with their reuse counts."""
    rows = await conn.fetch(
        LISTED + " WHERE t.solution IS NOT NULL AND t.ticket_id = ANY($1::uuid[])", ticket_ids
    )
    return {r["ticket_id"]: _with_reuse(r) for r in rows}


def _with_reuse(row: asyncpg.Record) -> tuple[LearnedTicket, int]:
    values = dict(row)
    reuse: int = values.pop("reuse_count")
    return LearnedTicket(**values), reuse
