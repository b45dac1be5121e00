"""Rank the live items for a question: the one search every suggestion uses."""

import asyncpg

from ticketflow_common.events.knowledge import SuggestedItem
from ticketflow_common.text_analysis import normalise
from ticketflow_knowledge.commands.term_counts import TermCounts
from ticketflow_knowledge.domain.ranking import (
    POOL_SIZE,
    RankQuery,
    compares_titles,
    final_score,
    matched_terms,
    query_terms,
    raw_score,
    search_plan,
    trigram_score,
    why_matched,
)
from ticketflow_knowledge.domain.search_index import excerpt
from ticketflow_knowledge.store.ranking import find_candidates, term_stats
from ticketflow_knowledge.store.similar_titles import similar_titles


async def rank_items(
    *, conn: asyncpg.Connection, query: RankQuery, counts: TermCounts | None = None
) -> list[SuggestedItem]:
    """The best `query.limit` items scoring at least `query.min_score`, best first: by their
    words, else (a short question whose words found nothing) by titles resembling it letter by
    letter.
    `counts`: the process's remembered term statistics (else they are read)."""
    items = await _by_words(conn=conn, query=query, counts=counts)
    folded = normalise(query.text)
    if not compares_titles(folded, found_by_words=len(items)):
        return items
    found = {(i.kind, i.item_id) for i in items}
    similar = await similar_titles(
        conn=conn,
        text=folded,
        public_only=query.public_only,
        kinds=list(query.kinds),
        limit=query.limit,
    )
    for s in similar:
        score = trigram_score(s.similarity)
        if (s.kind, s.item_id) in found or score < query.min_score:
            continue
        items.append(
            SuggestedItem(
                kind=s.kind,
                item_id=s.item_id,
                title=s.title,
                excerpt=excerpt(s.body),
                language=s.language,
                public=s.public,
                score=round(score, 6),
                matched_terms=[],
                why=f"its title resembles the question (trigram similarity {s.similarity:.2f})",
            )
        )
    return items[: query.limit]


async def _by_words(
    *, conn: asyncpg.Connection, query: RankQuery, counts: TermCounts | None
) -> list[SuggestedItem]:
    terms = query_terms(query.text, language=query.language)
    if not terms:
        return []
    wanted = [t.term for t in terms]
    stats = await (
        term_stats(conn=conn, terms=wanted)
        if counts is None
        else counts.lookup(conn=conn, terms=wanted)
    )
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
    items = []
    for score, c in scored[: query.limit]:
        held = hits[(c.kind, c.item_id)]
        matched = matched_terms(held)
        items.append(
            SuggestedItem(
                kind=c.kind,
                item_id=c.item_id,
                title=c.title,
                excerpt=excerpt(c.body_start),
                language=c.language,
                public=c.public,
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
