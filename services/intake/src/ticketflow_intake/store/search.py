"""SQL for finding tickets: filters, full-text search and keyset pagination."""

import asyncpg

from ticketflow_common.sql_conditions import SqlConditions
from ticketflow_common.text_analysis import load_dictionary_for, query_terms, to_tsquery
from ticketflow_intake.domain.access import Principal
from ticketflow_intake.domain.search import (
    SORT_COLUMNS,
    Cursor,
    TicketQuery,
    cursor_position,
    decode_cursor,
)
from ticketflow_intake.domain.tickets import Ticket
from ticketflow_intake.store.tickets import TICKET_COLUMNS, ticket_from_row


def text_match(q: str, *, internal: bool) -> tuple[str, str, str | None]:
    """The condition (a template for `SqlConditions.add`) and its values for the search `q`.

    A ticket matches when every part of the analysed query matches in one of its analysed
    columns, each part by any analysis the ticket's language may have had (see
    `ticketflow_common.text_analysis.query_terms`). Rows not analysed yet (`search_analysis`
    NULL: their analysed columns are empty but for comments added since) also match as before
    the analysis existed, by the 'simple' columns and `websearch_to_tsquery`.
    """
    columns = ["public", "comments", *(["internal"] if internal else [])]
    simple = " OR ".join(f"search_{c} @@ websearch_to_tsquery('simple', {{0}})" for c in columns)
    tsquery = to_tsquery(query_terms(q))
    analysed = " OR ".join(f"terms_{c} @@ {{1}}::tsquery" for c in columns)
    template = (
        f"(({{1}}::tsquery IS NOT NULL AND ({analysed}))"
        f" OR (search_analysis IS NULL AND ({simple})))"
    )
    return template, q, tsquery


async def search_tickets(
    *, conn: asyncpg.Connection, query: TicketQuery, principal: Principal
) -> tuple[list[Ticket], Cursor | None]:
    """One page of tickets the principal may see, and the cursor of the next page if any."""
    where = SqlConditions()
    if principal.sees_only_own:
        where.add("requester_id = {}", principal.subject)
    if query.status:
        where.add("status = ANY({}::text[])", query.status)
    if query.priority:
        where.add("priority = ANY({}::text[])", query.priority)
    for column in ("category", "team"):
        value = getattr(query, column)
        if value is not None:
            where.add(f"{column} = {{}}", value)
    if query.assignee is not None:
        where.add("owner_agent_id = {}", query.assignee)
    if query.requester is not None:
        where.add("requester_id = {}", query.requester)
    if query.tag:
        where.add("tags @> {}::text[]", query.tag)
    for column, bound, op in (
        ("created_at", query.created_after, ">="),
        ("created_at", query.created_before, "<"),
        ("updated_at", query.updated_after, ">="),
        ("updated_at", query.updated_before, "<"),
    ):
        if bound is not None:
            where.add(f"{column} {op} {{}}", bound)
    if query.sla_breached is not None:
        where.add("sla_breached = {}", query.sla_breached)
    if query.q:
        await load_dictionary_for(query.q)
        where.add(*text_match(query.q, internal=principal.reads_internal_notes))

    column, descending = SORT_COLUMNS[query.sort]
    direction = "DESC" if descending else "ASC"
    if query.cursor:
        cursor = decode_cursor(query.cursor, sort=query.sort)
        after = cursor_position(cursor)
        where.add(f"({column}, id) {'<' if descending else '>'} ({{}}, {{}})", after, cursor.id)

    limit = where.param(query.limit + 1)
    rows = await conn.fetch(
        f"SELECT {TICKET_COLUMNS}, priority_rank FROM tickets WHERE {where.sql()}"
        f" ORDER BY {column} {direction}, id {direction} LIMIT {limit}",
        *where.params,
    )
    tickets = [ticket_from_row(r) for r in rows[: query.limit]]
    if len(rows) <= query.limit:
        return tickets, None
    last = rows[query.limit - 1]
    raw = last[column]
    next_cursor = Cursor(
        sort=query.sort, value=raw if isinstance(raw, int) else raw.isoformat(), id=last["id"]
    )
    return tickets, next_cursor
