"""Staff's reads of the learned solutions: the newest, a search over the live ones, one."""

from uuid import UUID

import asyncpg

from ticketflow_common.pagination import Page, encode_timed_cursor, page_of, read_timed_cursor
from ticketflow_common.problems import not_found
from ticketflow_knowledge.commands.ranked_pages import (
    best_first_after,
    ranked_cursor,
    read_ranked_cursor,
)
from ticketflow_knowledge.commands.ranking import rank_items
from ticketflow_knowledge.domain.ranking import RankQuery
from ticketflow_knowledge.domain.solutions import SolutionView, solution_view
from ticketflow_knowledge.store import tickets

RANKED_WINDOW = 200
"""Ranked hits a search lists at most (its best)."""
CATEGORY_WINDOW = 500
"""Ranked hits looked through for a category filter (ranking knows no categories)."""
KIND = "knowledge.solutions"
RANKED_KIND = "knowledge.solutions.ranked"


async def list_solutions(
    *,
    conn: asyncpg.Connection,
    q: str | None,
    language: str,
    category: str | None,
    cursor: str | None,
    limit: int,
) -> Page[SolutionView]:
    """Without `q`: every learned solution, live or not, newest mark first (the cursor holds the
    last one's mark time and ticket id). With `q`: the live ones ranking's search finds, best
    first (the cursor holds the last one's score and ticket id)."""
    if q is None or not q.strip():
        after = read_timed_cursor(cursor, kind=KIND)
        rows = await tickets.list_solutions(
            conn=conn, category=category, limit=limit + 1, after=after
        )
        views = [v for t, reuse in rows if (v := solution_view(t, reuse_count=reuse)) is not None]
        return page_of(
            views, limit=limit, cursor=lambda v: encode_timed_cursor(KIND, v.marked_at, v.ticket_id)
        )
    ranked_after = read_ranked_cursor(cursor, kind=RANKED_KIND)
    window = CATEGORY_WINDOW if category is not None else RANKED_WINDOW
    query = RankQuery(
        text=q, language=language, public_only=False, kinds=("solution",), limit=window
    )
    hits = best_first_after(await rank_items(conn=conn, query=query), ranked_after)
    found = await tickets.solutions_of(conn=conn, ticket_ids=[h.item_id for h in hits])
    ranked: list[SolutionView] = []
    for hit in hits:
        if hit.item_id not in found:
            continue
        ticket, reuse = found[hit.item_id]
        if category is not None and ticket.category != category:
            continue
        view = solution_view(ticket, reuse_count=reuse, hit=hit)
        if view is not None:
            ranked.append(view)
    return page_of(
        ranked[: limit + 1],
        limit=limit,
        cursor=lambda v: ranked_cursor(RANKED_KIND, v.score, v.ticket_id),
    )


async def read_solution(*, conn: asyncpg.Connection, ticket_id: UUID) -> SolutionView:
    """404 for a ticket knowledge does not know or that has no solution."""
    found = await tickets.solutions_of(conn=conn, ticket_ids=[ticket_id])
    if ticket_id not in found:
        raise not_found(f"no solution learned from ticket {ticket_id}")
    ticket, reuse = found[ticket_id]
    view = solution_view(ticket, reuse_count=reuse)
    if view is None:
        raise not_found(f"no solution learned from ticket {ticket_id}")
    return view
