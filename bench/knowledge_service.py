"""The evaluation corpus loaded into a real knowledge schema and ranked by the service's own
`rank_items`, so recall is measured on what suggestions really return (issue 15, item 6)."""

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import asyncpg

from bench.knowledge_eval import Item, Query, Scores, evaluate
from tests.conftest import fresh_database
from tests.infra import Infra
from tests.support.schemas import fresh_schema
from ticketflow_common.text_analysis import warm_up
from ticketflow_knowledge.commands.ranking import rank_items
from ticketflow_knowledge.commands.ranking_stats import refresh_ranking_stats
from ticketflow_knowledge.domain.ranking import RankQuery
from ticketflow_knowledge.domain.search_index import IndexedItem
from ticketflow_knowledge.store.search_items import index_item

NAMESPACE = uuid.UUID("6f1c3a52-0a7e-4d0e-9a51-8d7f4a3b9e15")
"""Corpus ids become stable item ids (uuid5), so a ranked item maps back to its corpus id."""
RANKED = 20
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def item_uuid(corpus_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, corpus_id)


def indexed(item: Item) -> IndexedItem:
    """What the articles and solutions helpers index for a corpus row: an article's title,
    body and tags; a solution's ticket subject, and its description with the solution."""
    raw = item.raw
    if item.kind == "article":
        return IndexedItem(
            kind="article",
            item_id=item_uuid(item.id),
            language=item.language,
            title=str(raw["title"]),
            body=str(raw["body"]),
            public=raw.get("visibility") == "public",
            live=True,
            category=raw.get("category"),
            tags=[str(t) for t in raw.get("tags", [])],
        )
    return IndexedItem(
        kind="solution",
        item_id=item_uuid(item.id),
        language=item.language,
        title=str(raw["subject"]),
        body=f"{raw['description']}\n\n{raw['solution']}",
        public=False,
        live=True,
        category=raw.get("category"),
    )


async def load(conn: asyncpg.Connection, corpus: Sequence[Item]) -> None:
    """Every corpus item through `index_item`, then the term statistics the ranker reads."""
    async with conn.transaction():
        for item in corpus:
            await index_item(conn=conn, item=indexed(item), now=NOW)
    await refresh_ranking_stats(conn=conn, now=NOW)


async def ranked_ids(
    conn: asyncpg.Connection, corpus: Sequence[Item], queries: Sequence[Query]
) -> dict[str, list[str]]:
    """Query id -> the corpus ids `rank_items` returns for it (staff view, every kind)."""
    back = {item_uuid(item.id): item.id for item in corpus}
    out: dict[str, list[str]] = {}
    for query in queries:
        found = await rank_items(
            conn=conn,
            query=RankQuery(
                text=query.text, language=query.language, public_only=False, limit=RANKED
            ),
        )
        out[query.id] = [back.get(f.item_id, str(f.item_id)) for f in found]
    return out


@contextlib.asynccontextmanager
async def loaded_schema(
    database_url: str, corpus: Sequence[Item]
) -> AsyncIterator[asyncpg.Connection]:
    """A fresh knowledge schema holding the corpus; dropped afterwards."""
    warm_up()
    async with (
        fresh_schema(database_url, "knowledge", max_size=2) as (pool, _schema),
        pool.acquire() as conn,
    ):
        await load(conn, corpus)
        yield conn


async def service_scores(
    database_url: str, corpus: Sequence[Item], queries: Sequence[Query]
) -> tuple[dict[str, Scores], dict[str, list[str]]]:
    """Scores per language of the real ranker, and what it ranked for each query."""
    async with loaded_schema(database_url, corpus) as conn:
        ranked = await ranked_ids(conn, corpus, queries)
    by_text = {(q.text, q.language): ranked[q.id] for q in queries}
    return evaluate(lambda text, language: by_text[(text, language)], queries), ranked


async def service_scores_apart(
    infra: Infra, corpus: Sequence[Item], queries: Sequence[Query]
) -> tuple[dict[str, Scores], dict[str, list[str]]]:
    """`service_scores` in a database of its own (so is migration 0001's pg_trgm extension)."""
    async with fresh_database(infra) as database_url:
        return await service_scores(database_url, corpus, queries)


def run_service_scores(
    infra: Infra, corpus: Sequence[Item], queries: Sequence[Query]
) -> tuple[dict[str, Scores], dict[str, list[str]]]:
    return asyncio.run(service_scores_apart(infra, corpus, queries))
