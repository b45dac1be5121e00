"""The known-error list: every known error and resolved problem the caller may read, newest
first, or ranked by the one search when asked a question."""

import asyncpg

from ticketflow_knowledge.commands.ranking import rank_items
from ticketflow_knowledge.domain.access import Caller
from ticketflow_knowledge.domain.problems import KnownError, known_error_view
from ticketflow_knowledge.domain.ranking import RankQuery, search_language
from ticketflow_knowledge.store import problems as store

MAX_RANKED = 100
"""Ranked candidates read for one page: enough for any page when a category filters them."""


async def find_known_errors(
    *,
    conn: asyncpg.Connection,
    caller: Caller,
    category: str | None,
    q: str | None,
    language: str | None,
    limit: int,
    offset: int,
) -> list[KnownError]:
    """Requesters see the public ones only."""
    public_only = not caller.is_staff
    if q is None or not q.strip():
        problems = await store.list_known_errors(
            conn=conn, category=category, public_only=public_only, limit=limit, offset=offset
        )
        return [known_error_view(p) for p in problems]
    ranked = await rank_items(
        conn=conn,
        query=RankQuery(
            text=q,
            language=search_language(q, language),
            public_only=public_only,
            kinds=("known_error",),
            limit=MAX_RANKED if category else min(offset + limit, MAX_RANKED),
        ),
    )
    found = await store.known_errors_among(
        conn=conn,
        problem_ids=[r.item_id for r in ranked],
        category=category,
        public_only=public_only,
    )
    views = [
        known_error_view(found[r.item_id], score=r.score, why=r.why)
        for r in ranked
        if r.item_id in found
    ]
    return views[offset : offset + limit]
