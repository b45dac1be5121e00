"""The candidate search over `search_postings` (the inverted index migration 0006 keeps in step
with `search_items`) and the term statistics it weighs terms by.

Two stages in one statement: the postings of the scanned terms (an index-only scan of their
term index, each term's best `SCAN_PER_TERM` only) give each item a BM25 score and the best
`pool` are kept; then those items' postings (a primary-key range each) give every query term
they hold, for the exact score and the explanation, with what is shown of each (its title and
the start of its body): one round trip, one snapshot."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.events.knowledge import ItemKind
from ticketflow_knowledge.domain.ranking import SCAN_PER_TERM, TermStats
from ticketflow_knowledge.domain.search_index import EXCERPT_SOURCE_CHARS

STATS_MIN_ITEMS = 2
"""Terms held by fewer live items are not stored: missing means rare, which is what it is."""


@dataclass(frozen=True)
class Candidate:
    kind: ItemKind
    item_id: UUID
    language: str
    reuse_count: int
    title: str
    body_start: str
    """The body's first `EXCERPT_SOURCE_CHARS`: all an excerpt shows."""
    public: bool
    postings: list[tuple[str, float, bool]]
    """(term, BM25 tf part, in the title) of each query term the item holds."""


async def term_stats(*, conn: asyncpg.Connection, terms: list[str]) -> TermStats:
    """The live item count and how many of them hold each of `terms` (as last refreshed)."""
    row = await conn.fetchrow(
        "SELECT coalesce((SELECT items FROM search_stats), 0) AS items,"
        " ARRAY(SELECT term FROM search_term_stats WHERE term = ANY($1::text[])"
        " ORDER BY term) AS terms,"
        " ARRAY(SELECT items FROM search_term_stats WHERE term = ANY($1::text[])"
        " ORDER BY term) AS holding",
        terms,
    )
    assert row is not None
    return TermStats(
        items=row["items"], holding=dict(zip(row["terms"], row["holding"], strict=True))
    )


async def refresh_term_stats(*, conn: asyncpg.Connection, now: datetime) -> int:
    """Recount every term of the live items (one pass over the postings' term index)."""
    async with conn.transaction():
        await conn.execute("LOCK TABLE search_term_stats IN EXCLUSIVE MODE")
        await conn.execute("DELETE FROM search_term_stats")
        await conn.execute(
            "INSERT INTO search_term_stats (term, items) SELECT term, count(*)"
            " FROM search_postings GROUP BY term HAVING count(*) >= $1",
            STATS_MIN_ITEMS,
        )
        items: int = await conn.fetchval(
            "INSERT INTO search_stats (items, refreshed_at)"
            " SELECT count(*), $1 FROM search_items WHERE live"
            " ON CONFLICT (singleton) DO UPDATE SET items = EXCLUDED.items,"
            " refreshed_at = EXCLUDED.refreshed_at RETURNING items",
            now,
        )
    return items


async def stats_refreshed_at(*, conn: asyncpg.Connection) -> datetime | None:
    """When the statistics were last refreshed, None if never."""
    value: datetime | None = await conn.fetchval("SELECT refreshed_at FROM search_stats")
    return value


async def index_changed_since(*, conn: asyncpg.Connection, since: datetime) -> bool:
    """Whether any item was indexed or shown/hidden after `since`."""
    changed: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM search_items WHERE updated_at > $1)", since
    )
    return changed


_SELECT = """
WITH top AS (
    SELECT p.kind, p.item_id
    FROM unnest($1::text[], $2::float8[]) AS q (term, weight)
    CROSS JOIN LATERAL (
        SELECT p.kind, p.item_id, p.weight FROM search_postings p
        WHERE p.term = q.term AND (p.public OR NOT $3) AND p.kind = ANY($4::text[])
        ORDER BY p.weight DESC LIMIT $7
    ) AS p
    GROUP BY p.kind, p.item_id ORDER BY sum(q.weight * p.weight) DESC, p.item_id LIMIT $5
)
SELECT i.kind, i.item_id, i.language, i.reuse_count, i.title, left(i.body, $8) AS body_start,
       i.public, h.terms, h.weights, h.in_title
FROM top t JOIN search_items i ON i.kind = t.kind AND i.item_id = t.item_id
CROSS JOIN LATERAL (
    SELECT array_agg(p.term) FILTER (WHERE p.term = ANY($6::text[])) AS terms,
           array_agg(p.weight) FILTER (WHERE p.term = ANY($6::text[])) AS weights,
           array_agg(p.in_title) FILTER (WHERE p.term = ANY($6::text[])) AS in_title
    FROM search_postings p WHERE p.item_id = t.item_id AND p.kind = t.kind
) AS h
"""


async def find_candidates(
    *,
    conn: asyncpg.Connection,
    scanned: dict[str, float],
    terms: list[str],
    public_only: bool,
    kinds: list[str],
    pool: int,
) -> list[Candidate]:
    """The best `pool` items by the `scanned` terms (term -> weight), each with the postings
    (tf part, in title) it holds of every query term and what is shown of it."""
    rows = await conn.fetch(
        _SELECT,
        list(scanned),
        list(scanned.values()),
        public_only,
        kinds,
        pool,
        terms,
        SCAN_PER_TERM,
        EXCERPT_SOURCE_CHARS,
    )
    return [
        Candidate(
            kind=r["kind"],
            item_id=r["item_id"],
            language=r["language"],
            reuse_count=r["reuse_count"],
            title=r["title"],
            body_start=r["body_start"],
            public=r["public"],
            postings=list(
                zip(r["terms"] or [], r["weights"] or [], r["in_title"] or [], strict=True)
            ),
        )
        for r in rows
    ]
