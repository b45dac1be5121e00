"""The known-error list: every known error and resolved problem the caller may read, the latest
to join the list first, or ranked by the one search when asked a question."""

import asyncpg

from ticketflow_common.pagination import Page, encode_timed_cursor, page_of, read_timed_cursor
from ticketflow_knowledge.commands.ranked_pages import (
    best_first_after,
    ranked_cursor,
    read_ranked_cursor,
)
from ticketflow_knowledge.commands.ranking import rank_items
from ticketflow_knowledge.domain.access import Caller
from ticketflow_knowledge.domain.problems import KnownError, known_error_view, listed_at
from ticketflow_knowledge.domain.ranking import RankQuery, search_language
from ticketflow_knowledge.store import problems as store

MAX_RANKED = 100
"""Ranked candidates a question reads: the ranked list is at most this long."""
KIND = "knowledge.known_errors"
RANKED_KIND = "knowledge.known_errors.ranked"


async def find_known_errors(
    *,
    conn: asyncpg.Connection,
    caller: Caller,
    category: str | None,
    q: str | None,
    language: str | None,
    cursor: str | None,
    limit: int,
) -> Page[KnownError]:
    """Requesters see the public ones only. Unranked, the cursor holds the last one's
    (listed_at, id); ranked, its (score, id)."""
    public_only = not caller.is_staff
    if q is None or not q.strip():
        after = read_timed_cursor(cursor, kind=KIND)
        problems = await store.list_known_errors(
            conn=conn, category=category, public_only=public_only, limit=limit + 1, after=after
        )
        page = page_of(
            problems,
            limit=limit,
            cursor=lambda p: encode_timed_cursor(KIND, listed_at(p), p.problem_id),
        )
        return Page[KnownError](
            items=[known_error_view(p) for p in page.items], next_cursor=page.next_cursor
        )
    ranked_after = read_ranked_cursor(cursor, kind=RANKED_KIND)
    ranked = await rank_items(
        conn=conn,
        query=RankQuery(
            text=q,
            language=search_language(q, language),
            public_only=public_only,
            kinds=("known_error",),
            limit=MAX_RANKED,
        ),
    )
    following = best_first_after(ranked, ranked_after)
    found = await store.known_errors_among(
        conn=conn,
        problem_ids=[r.item_id for r in following],
        category=category,
        public_only=public_only,
    )
    views = [
        known_error_view(found[r.item_id], score=r.score, why=r.why)
        for r in following
        if r.item_id in found
    ]
    return page_of(
        views[: limit + 1],
        limit=limit,
        cursor=lambda v: ranked_cursor(RANKED_KIND, v.score, v.problem_id),
    )
