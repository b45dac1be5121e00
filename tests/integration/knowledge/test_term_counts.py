"""The term statistics a process remembers for suggestions: read once, then served from memory
until they are older than their time to live, the least recently asked for forgotten first."""

import uuid

from tests.integration.knowledge.conftest import KnowledgeHarness
from ticketflow_knowledge.commands.ranking_stats import refresh_ranking_stats
from ticketflow_knowledge.commands.term_counts import TermCounts
from ticketflow_knowledge.domain.search_index import IndexedItem
from ticketflow_knowledge.store.search_items import index_item


def item(title: str) -> IndexedItem:
    return IndexedItem(
        kind="article",
        item_id=uuid.uuid4(),
        language="en",
        title=title,
        body="",
        public=True,
        live=True,
    )


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_counts_are_remembered_until_their_time_to_live_passes(
    knowledge: KnowledgeHarness,
) -> None:
    ticks = Ticks()
    counts = TermCounts(ttl_seconds=30, clock=ticks)
    async with knowledge.pool.acquire() as conn:
        for n in range(3):
            await index_item(conn=conn, item=item(f"Printer jam {n}"), now=knowledge.clock())
        await refresh_ranking_stats(conn=conn, now=knowledge.clock())
        first = await counts.lookup(conn=conn, terms=["printer", "toner"])
        assert (first.items, dict(first.holding)) == (3, {"printer": 3})

        for n in range(2):
            await index_item(conn=conn, item=item(f"Printer toner {n}"), now=knowledge.clock())
        await conn.execute("UPDATE search_stats SET refreshed_at = refreshed_at - interval '1h'")
        await refresh_ranking_stats(conn=conn, now=knowledge.clock())
        ticks.now = 29.0
        remembered = await counts.lookup(conn=conn, terms=["printer", "toner"])
        assert (remembered.items, dict(remembered.holding)) == (3, {"printer": 3})

        ticks.now = 31.0
        fresh = await counts.lookup(conn=conn, terms=["printer", "toner"])
        assert (fresh.items, dict(fresh.holding)) == (5, {"printer": 5, "toner": 2})


async def test_the_least_recently_asked_term_is_forgotten_first(
    knowledge: KnowledgeHarness,
) -> None:
    counts = TermCounts(ttl_seconds=30, max_terms=2, clock=Ticks())
    async with knowledge.pool.acquire() as conn:
        for n in range(2):
            await index_item(conn=conn, item=item(f"Printer toner {n}"), now=knowledge.clock())
        await refresh_ranking_stats(conn=conn, now=knowledge.clock())
        for term in ("printer", "toner", "printer", "monitor"):  # toner: least recently asked
            await counts.lookup(conn=conn, terms=[term])

        for n in range(2):
            await index_item(conn=conn, item=item(f"Printer toner {n + 2}"), now=knowledge.clock())
        await conn.execute("UPDATE search_stats SET refreshed_at = refreshed_at - interval '1h'")
        await refresh_ranking_stats(conn=conn, now=knowledge.clock())
        remembered = await counts.lookup(conn=conn, terms=["printer"])
        forgotten = await counts.lookup(conn=conn, terms=["toner"])
    assert forgotten.holding == {"toner": 4}
    assert remembered.holding == {"printer": 2}
