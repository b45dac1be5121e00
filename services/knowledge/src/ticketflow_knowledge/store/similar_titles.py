"""Titles that resemble a question letter by letter (pg_trgm over `title_folded`): what finds
"pasword rest" when no word of it is in the index."""

from dataclasses import dataclass
from uuid import UUID

import asyncpg

from ticketflow_common.events.knowledge import ItemKind


@dataclass(frozen=True)
class SimilarTitle:
    kind: ItemKind
    item_id: UUID
    title: str
    body: str
    language: str
    public: bool
    reuse_count: int
    similarity: float


async def similar_titles(
    *,
    conn: asyncpg.Connection,
    text: str,
    public_only: bool,
    kinds: list[str],
    limit: int,
) -> list[SimilarTitle]:
    """Live items whose normalised title is trigram-similar to `text` (pg_trgm's `%`, its
    similarity threshold 0.3), most similar first; served by the partial GIN trigram index."""
    rows = await conn.fetch(
        "SELECT kind, item_id, title, body, language, public, reuse_count,"
        " ticketflow_extensions.similarity(title_folded, $1) AS similarity"
        " FROM search_items WHERE live AND title_folded OPERATOR(ticketflow_extensions.%) $1"
        " AND (public OR NOT $2) AND kind = ANY($3::text[])"
        " ORDER BY similarity DESC, item_id LIMIT $4",
        text,
        public_only,
        kinds,
        limit,
    )
    return [
        SimilarTitle(
            kind=r["kind"],
            item_id=r["item_id"],
            title=r["title"],
            body=r["body"],
            language=r["language"],
            public=r["public"],
            reuse_count=r["reuse_count"],
            similarity=float(r["similarity"]),
        )
        for r in rows
    ]
