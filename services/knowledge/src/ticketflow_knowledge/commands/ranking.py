"""Rank the live items for a question: the one search every suggestion uses."""

import asyncpg

from ticketflow_common.events.knowledge import SuggestedItem
from ticketflow_knowledge.domain.ranking import (
    POOL_SIZE,
    RankQuery,
    final_score,
    matched_terms,
    query_terms,
    raw_score,
    search_plan,
    why_matched,
)
from ticketflow_knowledge.domain.search_index import excerpt
from ticketflow_knowledge.store.ranking import find_candidates, item_texts, term_stats


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
        scanned=plan.scanned_weights,
        terms=[t.term for t in plan.terms],
        public_only=query.public_only,
        kinds=list(query.kinds),
        pool=max(POOL_SIZE, query.limit),
    )
    best_possible = plan.best_possible
    scored = []
    hits = {(c.kind, c.item_id): plan.hits(c.postings) for c in candidates}
    for c in candidates:
        score = final_score(
            raw=raw_score(hits[(c.kind, c.item_id)]),
            best_possible=best_possible,
            same_language=c.language == query.language,
            reuse_count=c.reuse_count,
        )
        if score >= query.min_score:
            scored.append((score, c))
    scored.sort(key=lambda s: (-s[0], str(s[1].item_id)))
    shown = scored[: query.limit]
    texts = await item_texts(conn=conn, items=[(c.kind, c.item_id) for _, c in shown])
    items = []
    for score, c in shown:
        text = texts.get((c.kind, c.item_id))
        if text is None:  # removed in between
            continue
        held = hits[(c.kind, c.item_id)]
        matched = matched_terms(held)
        items.append(
            SuggestedItem(
                kind=c.kind,
                item_id=c.item_id,
                title=text["title"],
                excerpt=excerpt(text["body"]),
                language=c.language,
                public=text["public"],
                score=round(score, 6),
                matched_terms=matched,
                why=why_matched(
                    matched=matched,
                    title_matched=matched_terms([h for h in held if h.in_title]),
                    reuse_count=c.reuse_count,
                    other_language=None if c.language == query.language else c.language,
                ),
            )
        )
    return items
