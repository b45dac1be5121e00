"""SQL for intake's tickets."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_common.events.common import Priority, TicketStatus
from ticketflow_common.text_analysis import ANALYSIS_VERSION, index_terms, load_dictionary_for
from ticketflow_intake.domain.lifecycle import allowed_next
from ticketflow_intake.domain.priority import PRIORITY_RANK
from ticketflow_intake.domain.tickets import NewTicket, Owner, Ticket

UPDATABLE = frozenset(
    {
        "subject", "description", "priority", "category", "tags", "custom_fields", "language",
        "watchers", "external_ref", "required_skills", "team", "status", "escalation_level",
        "first_response_at", "resolved_at", "closed_at", "reopen_count",
    }
)  # fmt: skip

OWNER_COLUMNS = "owner_agent_id, owner_agent_name, owner_team, assigned_at"
"""Routing's latest decision, as intake shows it: `Owner`'s fields."""
TICKET_COLUMNS = ", ".join(
    [*(f for f in Ticket.model_fields if f not in ("owner", "allowed_transitions")), OWNER_COLUMNS]
)
"""What `ticket_from_row` reads: not the search columns, whose tsvectors cost more to decode
than the rest of the row."""

PUBLIC_TEXT = (
    "setweight(to_tsvector('simple', {subject}), 'A')"
    " || setweight(to_tsvector('simple', {description}), 'B')"
)
"""The 'simple' search text of rows not yet analysed (`search_analysis` NULL), still written."""

PUBLIC_TERMS = (
    "setweight(array_to_tsvector({subject}::text[]), 'A')"
    " || setweight(array_to_tsvector({description}::text[]), 'B')"
)
"""Analysed terms (`ticketflow_common.text_analysis`) of the subject and the description."""


async def insert_ticket(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    new: NewTicket,
    priority: Priority,
    required_skills: list[str],
    team: str | None,
    status: TicketStatus,
    now: datetime,
    origin_message_id: str | None = None,
) -> Ticket:
    """`new.requester.id` is the resolved id (see `commands.requesters`)."""
    await load_dictionary_for(new.subject, new.description)
    row = await conn.fetchrow(
        "INSERT INTO tickets (id, subject, description, requester, requester_id, channel,"
        " category, priority, priority_rank, impact, urgency, tags, custom_fields, amount,"
        " language, watchers, external_ref, required_skills, team, status, created_at,"
        " updated_at, search_public, terms_public, search_analysis, origin_message_id) VALUES"
        " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,"
        " $20, $21, $21, "
        + PUBLIC_TEXT.format(subject="$2", description="$3")
        + ", "
        + PUBLIC_TERMS.format(subject="$22", description="$23")
        + f", $24, $25) RETURNING {TICKET_COLUMNS}",
        ticket_id,
        new.subject,
        new.description,
        new.requester.model_dump(mode="json"),
        new.requester.id,
        new.channel,
        new.category,
        priority,
        PRIORITY_RANK[priority],
        new.impact,
        new.urgency,
        new.tags,
        new.custom_fields,
        new.amount,
        new.language,
        new.watchers,
        new.external_ref,
        required_skills,
        team,
        status,
        now,
        index_terms(new.subject, language=new.language),
        index_terms(new.description, language=new.language),
        ANALYSIS_VERSION,
        origin_message_id,
    )
    return ticket_from_row(row)


async def ticket_of_message(*, conn: asyncpg.Connection, message_id: str) -> UUID | None:
    """The ticket a mail with this Message-ID made, if one did."""
    found: UUID | None = await conn.fetchval(
        "SELECT id FROM tickets WHERE origin_message_id = $1", message_id
    )
    return found


async def get_ticket(
    *, conn: asyncpg.Connection, ticket_id: UUID, for_update: bool = False
) -> Ticket | None:
    """`for_update` locks the row, so concurrent changes of one ticket queue up."""
    lock = " FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(
        f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id = $1{lock}", ticket_id
    )
    return ticket_from_row(row) if row else None


async def update_ticket(
    *, conn: asyncpg.Connection, ticket_id: UUID, changes: Mapping[str, Any], now: datetime
) -> Ticket:
    """Apply `changes` (column -> value), bump the version and keep search text current."""
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    values = dict(changes)
    if "priority" in values:
        values["priority_rank"] = PRIORITY_RANK[values["priority"]]
    placeholder = {column: f"${n}" for n, column in enumerate(values, start=3)}
    assignments = [f"{column} = {placeholder[column]}" for column in values]
    if "subject" in values or "description" in values:
        # SET expressions see the old row, so the new text comes from the parameters.
        text = PUBLIC_TEXT.format(
            subject=placeholder.get("subject", "subject"),
            description=placeholder.get("description", "description"),
        )
        assignments.append(f"search_public = {text}")
    sql = (
        "UPDATE tickets SET "
        + ", ".join([*assignments, "version = version + 1", "updated_at = $2"])
        + f" WHERE id = $1 RETURNING {TICKET_COLUMNS}"
    )
    row = await conn.fetchrow(sql, ticket_id, now, *values.values())
    if {"subject", "description", "language"} & set(values):
        await analyse_search_terms(conn=conn, ticket_id=ticket_id)
        row = await conn.fetchrow(f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id = $1", ticket_id)
    return ticket_from_row(row)


async def analyse_search_terms(*, conn: asyncpg.Connection, ticket_id: UUID) -> None:
    """(Re)write the ticket's analysed search terms from its text and comments, in its
    language, and mark it searched by them. Call it inside a transaction."""
    ticket = await conn.fetchrow(
        "SELECT subject, description, language FROM tickets WHERE id = $1 FOR UPDATE", ticket_id
    )
    if ticket is None:
        return
    language = ticket["language"]
    comments = await conn.fetch(
        "SELECT public, body FROM comments WHERE ticket_id = $1 ORDER BY created_at, id",
        ticket_id,
    )
    public = [c["body"] for c in comments if c["public"]]
    internal = [c["body"] for c in comments if not c["public"]]
    await load_dictionary_for(ticket["subject"], ticket["description"], *public, *internal)
    await conn.execute(
        "UPDATE tickets SET terms_public = "
        + PUBLIC_TERMS.format(subject="$2", description="$3")
        + ", terms_comments = setweight(array_to_tsvector($4::text[]), 'C'),"
        " terms_internal = setweight(array_to_tsvector($5::text[]), 'C'),"
        " search_analysis = $6 WHERE id = $1",
        ticket_id,
        index_terms(ticket["subject"], language=language),
        index_terms(ticket["description"], language=language),
        index_terms(*public, language=language),
        index_terms(*internal, language=language),
        ANALYSIS_VERSION,
    )


async def tickets_to_analyse(*, conn: asyncpg.Connection, limit: int) -> list[UUID]:
    """Tickets whose search terms are missing or of an older analysis, oldest ids first."""
    rows = await conn.fetch(
        "SELECT id FROM tickets WHERE search_analysis IS NULL OR search_analysis < $1"
        " ORDER BY search_analysis NULLS FIRST, id LIMIT $2",
        ANALYSIS_VERSION,
        limit,
    )
    return [r["id"] for r in rows]


async def add_comment_text(
    *, conn: asyncpg.Connection, ticket_id: UUID, body: str, public: bool, language: str
) -> None:
    """Make a comment findable; internal notes only by agents' searches."""
    await load_dictionary_for(body)
    column = "search_comments" if public else "search_internal"
    terms = "terms_comments" if public else "terms_internal"
    await conn.execute(
        f"UPDATE tickets SET {column} = {column} || setweight(to_tsvector('simple', $2), 'C'),"
        f" {terms} = {terms} || setweight(array_to_tsvector($3::text[]), 'C') WHERE id = $1",
        ticket_id,
        body,
        index_terms(body, language=language),
    )


async def clear_owner(
    *, conn: asyncpg.Connection, ticket_id: UUID, agent_id: UUID, at: datetime
) -> None:
    """Take the owner off, unless a newer assignment already replaced them."""
    await conn.execute(
        f"UPDATE tickets SET ({OWNER_COLUMNS}) = (NULL, NULL, NULL, NULL)"
        " WHERE id = $1 AND owner_agent_id = $2 AND assigned_at <= $3",
        ticket_id,
        agent_id,
        at,
    )


async def mark_sla_breached(*, conn: asyncpg.Connection, ticket_id: UUID) -> None:
    await conn.execute("UPDATE tickets SET sla_breached = true WHERE id = $1", ticket_id)


async def backlog_counts(*, conn: asyncpg.Connection) -> list[tuple[str, str, str, int]]:
    """(status, team or 'none', priority, count) of the tickets not closed."""
    rows = await conn.fetch(
        "SELECT status, coalesce(team, 'none') AS team, priority, count(*) AS n FROM tickets"
        " WHERE status <> 'closed' GROUP BY 1, 2, 3"
    )
    return [(r["status"], r["team"], r["priority"], r["n"]) for r in rows]


def ticket_from_row(row: asyncpg.Record) -> Ticket:
    """The row's columns named as the ticket's fields, plus its owner and where it may go."""
    owner = None
    if row["owner_agent_id"] is not None:
        owner = Owner(
            agent_id=row["owner_agent_id"],
            agent_name=row["owner_agent_name"],
            team=row["owner_team"],
            assigned_at=row["assigned_at"],
        )
    return Ticket.model_validate(
        {**row, "owner": owner, "allowed_transitions": allowed_next(row["status"])}
    )
