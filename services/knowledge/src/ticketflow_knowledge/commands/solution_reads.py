"""Staff's reads of the learned solutions: the newest, a search over the live ones, one."""

from uuid import UUID

import asyncpg

from ticketflow_common.problems import not_found
from ticketflow_knowledge.commands.ranking import rank_items
from ticketflow_knowledge.domain.ranking import RankQuery
from ticketflow_knowledge.domain.solutions import SolutionView, solution_view
from ticketflow_knowledge.store import tickets

CATEGORY_WINDOW = 500
"""Ranked hits looked through for a category filter (ranking knows no categories)."""


async def list_solutions(
    *,
    conn: asyncpg.Connection,
    q: str | None,
    language: str,
    category: str | None,
    limit: int,
    offset: int,
) -> list[SolutionView]:
    """Without `q`: every learned solution, live or not, newest mark first. With `q`: the live
    ones ranking's search finds, best first."""
    if q is None or not q.strip():
        rows = await tickets.list_solutions(
            conn=conn, category=category, limit=limit, offset=offset
        )
        return [v for t, reuse in rows if (v := solution_view(t, reuse_count=reuse)) is not None]
    window = CATEGORY_WINDOW if category is not None else offset + limit
    query = RankQuery(
        text=q, language=language, public_only=False, kinds=("solution",), limit=window
    )
    hits = await rank_items(conn=conn, query=query)
    found = await tickets.solutions_of(conn=conn, ticket_ids=[h.item_id for h in hits])
    views = []
    for hit in hits:
        if hit.item_id not in found:
            continue
        ticket, reuse = found[hit.item_id]
        if category is not None and ticket.category != category:
            continue
        view = solution_view(ticket, reuse_count=reuse, hit=hit)
        if view is not None:
            views.append(view)
    return views[offset : offset + limit]


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
