"""Counts over the search index."""

import asyncpg


async def item_counts(*, conn: asyncpg.Connection) -> dict[tuple[str, bool], int]:
    rows = await conn.fetch("SELECT kind, live, count(*) AS n FROM search_items GROUP BY 1, 2")
    counts = {
        (kind, live): 0 for kind in ("article", "known_error", "solution") for live in (True, False)
    }
    counts.update({(r["kind"], r["live"]): r["n"] for r in rows})
    return counts
