"""The candidate search over `search_items`: the GIN index finds the live items holding any
query term, ts_rank_cd orders them (title terms weigh A, body terms B)."""

from dataclasses import dataclass
from uuid import UUID

import asyncpg

from ticketflow_common.events.knowledge import ItemKind


@dataclass(frozen=True)
class Candidate:
    kind: ItemKind
    item_id: UUID
    title: str
    body: str
    language: str
    public: bool
    reuse_count: int
    lexical: float
    matched: list[str]
    title_matched: list[str]


async def find_candidates(
    *,
    conn: asyncpg.Connection,
    tsquery: str,
    terms: list[str],
    public_only: bool,
    kinds: list[str],
    limit: int,
) -> list[Candidate]:
    rows = await conn.fetch(
        "SELECT kind, item_id, title, body, language, public, reuse_count,"
        " ts_rank_cd('{0.1, 0.2, 0.6, 1.0}', terms, $1::tsquery, 1) AS lexical,"
        " ARRAY(SELECT unnest(tsvector_to_array(terms)) INTERSECT SELECT unnest($2::text[]))"
        " AS matched,"
        " ARRAY(SELECT unnest(tsvector_to_array(ts_filter(terms, '{a}')))"
        " INTERSECT SELECT unnest($2::text[])) AS title_matched"
        " FROM search_items WHERE live AND terms @@ $1::tsquery AND (public OR NOT $3)"
        " AND kind = ANY($4::text[])"
        " ORDER BY ts_rank_cd('{0.1, 0.2, 0.6, 1.0}', terms, $1::tsquery, 1)"
        " * (1 + 0.15 * ln(1 + reuse_count)) DESC, item_id LIMIT $5",
        tsquery,
        terms,
        public_only,
        kinds,
        limit,
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
            lexical=float(r["lexical"]),
            matched=list(r["matched"]),
            title_matched=list(r["title_matched"]),
        )
        for r in rows
    ]
