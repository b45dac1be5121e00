"""What the ranker weighs: rare words over common ones (once the term statistics are counted),
no match on stopwords alone, a Latin word across languages, and the inverted index follows
every change of an item (re-indexed, hidden, shown again)."""

import uuid

from tests.integration.knowledge.conftest import KnowledgeHarness
from ticketflow_knowledge.commands.ranking import rank_items
from ticketflow_knowledge.commands.ranking_stats import refresh_ranking_stats
from ticketflow_knowledge.domain.ranking import RankQuery
from ticketflow_knowledge.domain.search_index import IndexedItem
from ticketflow_knowledge.store.search_items import index_item, set_live


def item(title: str, body: str = "", *, language: str = "en", live: bool = True) -> IndexedItem:
    return IndexedItem(
        kind="solution",
        item_id=uuid.uuid4(),
        language=language,
        title=title,
        body=body,
        public=False,
        live=live,
    )


def staff(text: str, language: str = "en", limit: int = 5) -> RankQuery:
    return RankQuery(text=text, language=language, public_only=False, limit=limit)


async def test_a_rare_word_outranks_a_common_one(knowledge: KnowledgeHarness) -> None:
    common = [item(f"Laptop question {n}", "The laptop is slow.") for n in range(12)]
    docking = item("Docking station", "The docking station flickers.")
    async with knowledge.pool.acquire() as conn:
        for each in [*common, docking]:
            await index_item(conn=conn, item=each, now=knowledge.clock())
        await refresh_ranking_stats(conn=conn, now=knowledge.clock())
        found = await rank_items(conn=conn, query=staff("laptop docking", limit=3))
    assert found[0].item_id == docking.item_id
    assert found[0].matched_terms == ["dock"]
    assert found[1].matched_terms == ["laptop"]
    assert 0 < found[0].score <= 1
    assert found[1].score < found[0].score


async def test_stopwords_alone_match_nothing(knowledge: KnowledgeHarness) -> None:
    meeting = item("The meeting room is booked", "It is on the third floor.")
    printer = item("我的打印机坏了", language="zh")
    async with knowledge.pool.acquire() as conn:
        for each in (meeting, printer):
            await index_item(conn=conn, item=each, now=knowledge.clock())
        english = await rank_items(conn=conn, query=staff("why is it not working for me"))
        chinese = await rank_items(conn=conn, query=staff("我的电脑怎么了", language="zh"))
    assert english == []
    assert [f.item_id for f in chinese] == []


async def test_a_german_question_finds_an_english_solution(knowledge: KnowledgeHarness) -> None:
    toner = item("Printer on floor 5 out of toner", "Replaced the toner cartridge.")
    async with knowledge.pool.acquire() as conn:
        await index_item(conn=conn, item=toner, now=knowledge.clock())
        found = await rank_items(conn=conn, query=staff("Toner leer", language="de"))
    assert [f.item_id for f in found] == [toner.item_id]
    assert found[0].matched_terms == ["toner"]
    assert "written in en" in found[0].why


async def test_the_index_follows_reindexing_hiding_and_showing(
    knowledge: KnowledgeHarness,
) -> None:
    first = item("Outlook does not sync", "Restart Outlook.")
    async with knowledge.pool.acquire() as conn:
        await index_item(conn=conn, item=first, now=knowledge.clock())
        assert [f.item_id for f in await rank_items(conn=conn, query=staff("outlook"))] == [
            first.item_id
        ]
        renamed = IndexedItem(**{**first.__dict__, "title": "Teams has no sound", "body": ""})
        await index_item(conn=conn, item=renamed, now=knowledge.clock())
        assert await rank_items(conn=conn, query=staff("outlook")) == []
        assert len(await rank_items(conn=conn, query=staff("teams sound"))) == 1
        await set_live(
            conn=conn, kind="solution", item_id=first.item_id, live=False, now=knowledge.clock()
        )
        assert await rank_items(conn=conn, query=staff("teams sound")) == []
        await set_live(
            conn=conn, kind="solution", item_id=first.item_id, live=True, now=knowledge.clock()
        )
        assert len(await rank_items(conn=conn, query=staff("teams sound"))) == 1
