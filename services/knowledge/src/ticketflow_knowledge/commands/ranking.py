"""Rank the live items for a question: the one search every suggestion uses."""

import asyncpg

from ticketflow_common.events.knowledge import SuggestedItem
from ticketflow_knowledge.domain.ranking import (
    POOL_SIZE,
    RankQuery,
    final_score,
    query_terms,
    search_plan,
    why_matched,
)
from ticketflow_knowledge.domain.search_index import excerpt
from ticketflow_knowledge.store.ranking import find_candidates, term_stats


async def rank_items(*, conn: asyncpg.Connection, query: RankQuery) -> list[SuggestedItem]:
    """The best `query.limit` items scoring at least `query.min_score`, best first."""
    terms = query_terms(query.text, language=query.language)
    if not terms:
        return []
    stats = await term_stats(conn=conn, terms=[t.term for t in terms])
    plan = search_plan(terms, stats)
    if plan is None:
        return []
    candidates = await find_candidates(
        conn=conn,
        tsquery=plan.tsquery,
        terms=[t.term for t in plan.terms],
        weights=plan.weights,
        parts=[t.part for t in plan.terms],
        average_terms=plan.average_terms,
        public_only=query.public_only,
        kinds=list(query.kinds),
        pool=max(POOL_SIZE, query.limit),
    )
    scored = []
    for c in candidates:
        same_language = c.language == query.language
        score = final_score(
            raw=c.raw,
            best_possible=plan.best_possible,
            same_language=same_language,
            reuse_count=c.reuse_count,
        )
        if score >= query.min_score:
            scored.append((score, c, same_language))
    scored.sort(key=lambda s: (-s[0], str(s[1].item_id)))
    return [
        SuggestedItem(
            kind=c.kind,
            item_id=c.item_id,
            title=c.title,
            excerpt=excerpt(c.body),
            language=c.language,
            public=c.public,
            score=round(score, 6),
            matched_terms=c.matched,
            why=why_matched(
                matched=c.matched,
                title_matched=c.title_matched,
                reuse_count=c.reuse_count,
                other_language=None if same_language else c.language,
            ),
        )
        for score, c, same_language in scored[: query.limit]
    ]
