"""Keep the term statistics the ranker weighs terms by in step with the index."""

from datetime import datetime

import asyncpg

from ticketflow_knowledge.store.ranking import (
    index_changed_since,
    refresh_term_stats,
    stats_refreshed_at,
)


async def refresh_ranking_stats(*, conn: asyncpg.Connection, now: datetime) -> None:
    """Recount the terms when the index changed since the last count (or never counted)."""
    refreshed = await stats_refreshed_at(conn=conn)
    if refreshed is None or await index_changed_since(conn=conn, since=refreshed):
        await refresh_term_stats(conn=conn, now=now)
