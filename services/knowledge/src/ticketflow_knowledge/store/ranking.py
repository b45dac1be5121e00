"""The candidate search over `search_items` and the term statistics it weighs terms by.

Two stages in one statement: the GIN index finds the live items holding any candidate term and
a cheap ts_rank keeps the best `pool` of them; those are scored exactly (BM25 over every query
term, from each term's positions and weights in the item's tsvector) and the best returned."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.events.knowledge import ItemKind
from ticketflow_knowledge.domain.ranking import B, K1, TITLE_EXTRA, TermStats

STATS_MIN_ITEMS = 2
"""Terms held by fewer live items are not stored: missing means rare, which is what it is."""


@dataclass(frozen=True)
class Candidate:
    kind: ItemKind
    item_id: UUID
    title: str
    body: str
    language: str
    public: bool
    reuse_count: int
    raw: float
    matched: list[str]
    title_matched: list[str]


async def term_stats(*, conn: asyncpg.Connection, terms: list[str]) -> TermStats:
    """The live item count and how many of them hold each of `terms` (as last refreshed)."""
    row = await conn.fetchrow(
        "SELECT coalesce((SELECT items FROM search_stats), 0) AS items,"
        " coalesce((SELECT average_terms FROM search_stats), 1) AS average_terms,"
        " ARRAY(SELECT term FROM search_term_stats WHERE term = ANY($1::text[]) ORDER BY term) AS terms,"
        " ARRAY(SELECT items FROM search_term_stats WHERE term = ANY($1::text[]) ORDER BY term) AS holding",
        terms,
    )
    assert row is not None
    return TermStats(
        items=row["items"],
        average_terms=float(row["average_terms"]),
        holding=dict(zip(row["terms"], row["holding"], strict=True)),
    )


async def refresh_term_stats(*, conn: asyncpg.Connection, now: datetime) -> int:
    """Recount every term of the live items (ts_stat: one pass over the index's tsvectors)."""
    async with conn.transaction():
        await conn.execute("LOCK TABLE search_term_stats IN EXCLUSIVE MODE")
        await conn.execute("DELETE FROM search_term_stats")
        await conn.execute(
            "INSERT INTO search_term_stats (term, items) SELECT word, ndoc"
            " FROM ts_stat('SELECT terms FROM search_items WHERE live') WHERE ndoc >= $1",
            STATS_MIN_ITEMS,
        )
        items: int = await conn.fetchval(
            "INSERT INTO search_stats (items, average_terms, refreshed_at)"
            " SELECT count(*), coalesce(avg(length(terms)), 1), $1 FROM search_items WHERE live"
            " ON CONFLICT (singleton) DO UPDATE SET items = EXCLUDED.items,"
            " average_terms = EXCLUDED.average_terms, refreshed_at = EXCLUDED.refreshed_at"
            " RETURNING items",
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


_SELECT = f"""
WITH q AS (
    SELECT term, weight, part FROM unnest($2::text[], $3::float8[], $8::int[]) AS q (term, weight, part)
), pool AS (
    SELECT kind, item_id, terms FROM search_items
    WHERE live AND terms @@ $1::tsquery AND (public OR NOT $4) AND kind = ANY($5::text[])
    ORDER BY ts_rank('{{0.1, 0.2, 0.4, 1.0}}', terms, $1::tsquery) DESC, item_id
    LIMIT $6
), hits AS (
    SELECT p.kind, p.item_id, q.term, q.part, q.weight, 'A' = ANY(u.weights) AS in_title,
           length(p.terms) AS item_terms,
           array_length(u.positions, 1)
             + CASE WHEN 'A' = ANY(u.weights) THEN {TITLE_EXTRA} ELSE 0 END AS tf
    FROM pool p CROSS JOIN LATERAL unnest(p.terms) AS u (lexeme, positions, weights)
    JOIN q ON q.term = u.lexeme
), parts AS (
    SELECT DISTINCT ON (kind, item_id, part) kind, item_id, term, weight, in_title,
           weight * tf * ({K1} + 1) / (tf + {K1} * (1 - {B} + {B} * item_terms / $7::float8))
             AS score
    FROM hits ORDER BY kind, item_id, part, score DESC
), scored AS (
    SELECT kind, item_id, sum(score) AS raw,
           array_agg(term ORDER BY score DESC, term) AS matched,
           array_agg(term ORDER BY score DESC, term) FILTER (WHERE in_title) AS title_matched
    FROM parts GROUP BY kind, item_id
)
SELECT s.kind, s.item_id, i.title, i.body, i.language, i.public, i.reuse_count, s.raw,
       s.matched, coalesce(s.title_matched, '{{}}') AS title_matched
FROM scored s JOIN search_items i USING (kind, item_id)
"""


async def find_candidates(
    *,
    conn: asyncpg.Connection,
    tsquery: str,
    terms: list[str],
    weights: list[float],
    parts: list[int],
    average_terms: float,
    public_only: bool,
    kinds: list[str],
    pool: int,
) -> list[Candidate]:
    """The best `pool` items holding a candidate term, with their exact BM25 (unordered)."""
    rows = await conn.fetch(
        _SELECT, tsquery, terms, weights, public_only, kinds, pool, average_terms, parts
    )
    return [
        Candidate(
            kind=r["kind"],
            item_id=r["item_id"],
            title=r["title"],
            body=r["body"],
            language=r["language"],
            public=r["public"],
            reuse_count=r["reuse_count"],
            raw=float(r["raw"]),
            matched=list(r["matched"]),
            title_matched=list(r["title_matched"]),
        )
        for r in rows
    ]
