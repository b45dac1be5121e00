"""Rank the live items for a question: the one search every suggestion uses."""

import asyncpg

from ticketflow_common.events.knowledge import SuggestedItem
from ticketflow_knowledge.domain.ranking import RankQuery, final_score, search_plan, why_matched
from ticketflow_knowledge.domain.search_index import excerpt
from ticketflow_knowledge.store.ranking import find_candidates


async def rank_items(*, conn: asyncpg.Connection, query: RankQuery) -> list[SuggestedItem]:
    """The best `query.limit` items scoring at least `query.min_score`, best first."""
    plan = search_plan(query.text, language=query.language)
    if plan is None:
        return []
    candidates = await find_candidates(
        conn=conn,
        tsquery=plan.tsquery,
        terms=plan.terms,
        public_only=query.public_only,
        kinds=list(query.kinds),
        limit=query.limit,
    )
    items = []
    for c in candidates:
        score = final_score(lexical=c.lexical, reuse_count=c.reuse_count)
        if score < query.min_score:
            continue
        items.append(
            SuggestedItem(
                kind=c.kind,
                item_id=c.item_id,
                title=c.title,
                excerpt=excerpt(c.body),
                language=c.language,
                public=c.public,
                score=round(score, 6),
                matched_terms=sorted(c.matched),
                why=why_matched(
                    matched=sorted(c.matched),
                    title_matched=c.title_matched,
                    reuse_count=c.reuse_count,
                ),
            )
        )
    return items
