"""The one search behind every suggestion: any query term may match, in any language the index
holds, only live items, only public ones for requesters, and reuse ranks an item up."""

import uuid

from tests.integration.knowledge.conftest import KnowledgeHarness
from ticketflow_knowledge.commands.ranking import rank_items
from ticketflow_knowledge.domain.ranking import RankQuery
from ticketflow_knowledge.domain.search_index import IndexedItem
from ticketflow_knowledge.store.search_items import count_reuse, index_item


def item(
    title: str, body: str, *, language: str, public: bool = True, live: bool = True
) -> IndexedItem:
    return IndexedItem(
        kind="article",
        item_id=uuid.uuid4(),
        language=language,
        title=title,
        body=body,
        public=public,
        live=live,
    )


async def test_a_chinese_word_inside_a_sentence_finds_the_article(
    knowledge: KnowledgeHarness,
) -> None:
    printer = item("打印机无法连接网络", "重启打印机并检查网线。", language="zh")
    vpn = item("VPN keeps disconnecting", "Reinstall the VPN client.", language="en")
    async with knowledge.pool.acquire() as conn:
        for each in (printer, vpn):
            await index_item(conn=conn, item=each, now=knowledge.clock())
        found = await rank_items(
            conn=conn, query=RankQuery(text="三楼的打印机坏了", language="zh", public_only=False)
        )
        english = await rank_items(
            conn=conn, query=RankQuery(text="my vpn disconnects", language="en", public_only=False)
        )
    assert [f.item_id for f in found] == [printer.item_id]
    assert "打印机" in found[0].matched_terms
    assert "title" in found[0].why
    assert [f.item_id for f in english] == [vpn.item_id]


async def test_internal_and_retired_items_are_not_shown_to_requesters(
    knowledge: KnowledgeHarness,
) -> None:
    internal = item("Printer offline", "Power cycle it.", language="en", public=False)
    retired = item("Printer jam", "Open tray 2.", language="en", live=False)
    async with knowledge.pool.acquire() as conn:
        for each in (internal, retired):
            await index_item(conn=conn, item=each, now=knowledge.clock())
        public = await rank_items(
            conn=conn, query=RankQuery(text="printer", language="en", public_only=True)
        )
        staff = await rank_items(
            conn=conn, query=RankQuery(text="printer", language="en", public_only=False)
        )
    assert public == []
    assert [f.item_id for f in staff] == [internal.item_id]


async def test_reuse_ranks_an_equal_match_higher(knowledge: KnowledgeHarness) -> None:
    first = item("Reset a password", "Use the self-service page.", language="en")
    second = item("Reset a password", "Use the self-service page.", language="en")
    async with knowledge.pool.acquire() as conn:
        for each in (first, second):
            await index_item(conn=conn, item=each, now=knowledge.clock())
        for _ in range(3):
            await count_reuse(conn=conn, kind="article", item_id=second.item_id)
        found = await rank_items(
            conn=conn, query=RankQuery(text="password reset", language="en", public_only=False)
        )
    assert [f.item_id for f in found] == [second.item_id, first.item_id]
    assert found[0].score > found[1].score


async def test_a_misspelt_question_finds_a_title_that_resembles_it(
    knowledge: KnowledgeHarness,
) -> None:
    wanted = item("Reset your password", "Use the self-service page.", language="en")
    other = item("Order a new monitor", "Ask your team lead.", language="en")
    async with knowledge.pool.acquire() as conn:
        for each in (wanted, other):
            await index_item(conn=conn, item=each, now=knowledge.clock())
        found = await rank_items(
            conn=conn, query=RankQuery(text="resett yuor pasword", language="en", public_only=False)
        )
    assert [f.item_id for f in found] == [wanted.item_id]
    assert found[0].matched_terms == []
    assert "resembles" in found[0].why
