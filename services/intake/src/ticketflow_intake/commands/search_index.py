"""Analysing tickets' search text: the backfill of rows written before the analysis (or by
an older version of it)."""

import asyncpg

from ticketflow_intake.store.tickets import analyse_search_terms, tickets_to_analyse

BATCH = 200


async def reindex_search(*, pool: asyncpg.Pool, batch: int = BATCH) -> int:
    """Analyse every ticket not analysed by the current version, `batch` tickets a
    transaction; the number analysed. Searches keep working meanwhile: a row is found by its
    'simple' columns until its terms are written."""
    done = 0
    while True:
        async with pool.acquire() as conn, conn.transaction():
            ids = await tickets_to_analyse(conn=conn, limit=batch)
            for ticket_id in ids:
                await analyse_search_terms(conn=conn, ticket_id=ticket_id)
        if not ids:
            return done
        done += len(ids)
