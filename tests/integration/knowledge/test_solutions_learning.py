"""Solutions learned from intake's events: a resolved ticket's marked reply is found, whatever
order or how many times the events come; reopening hides it, resolving again shows it; an older
version arriving late changes nothing."""

from datetime import timedelta

from prometheus_client import REGISTRY

from tests.integration.knowledge.conftest import KnowledgeHarness
from tests.integration.knowledge.solution_events import (
    solution_marked,
    solved,
    status_changed,
    updated,
)
from ticketflow_common.events.knowledge import SuggestedItem
from ticketflow_knowledge.commands.ranking import rank_items
from ticketflow_knowledge.domain.ranking import RankQuery


def learned_total() -> float:
    return REGISTRY.get_sample_value("ticketflow_knowledge_solutions_learned_total") or 0.0


async def search(
    knowledge: KnowledgeHarness, text: str, *, language: str = "en", public_only: bool = False
) -> list[SuggestedItem]:
    async with knowledge.pool.acquire() as conn:
        return await rank_items(
            conn=conn,
            query=RankQuery(
                text=text, language=language, public_only=public_only, kinds=("solution",)
            ),
        )


async def item_row(knowledge: KnowledgeHarness, ticket_id: object) -> dict[str, object]:
    row = await knowledge.fetchrow(
        "SELECT title, body, language, category, public, live FROM search_items"
        " WHERE kind = 'solution' AND item_id = $1",
        ticket_id,
    )
    assert row is not None
    return dict(row)


async def test_a_resolved_ticket_with_a_solution_is_found_by_a_similar_question(
    knowledge: KnowledgeHarness,
) -> None:
    before = learned_total()
    created = knowledge.created(
        subject="VPN drops every ten minutes", description="Since the laptop was reimaged"
    )
    await solved(knowledge, created, "Reinstall the VPN client from the software portal.")
    found = await search(knowledge, "my vpn keeps dropping after reimaging")
    assert [f.item_id for f in found] == [created.ticket_id]
    assert found[0].kind == "solution"
    assert found[0].excerpt.startswith("Reinstall the VPN client")
    row = await item_row(knowledge, created.ticket_id)
    assert (row["title"], row["language"], row["category"]) == (
        "VPN drops every ten minutes",
        "en",
        "vpn",
    )
    assert "Since the laptop was reimaged" in str(row["body"])
    assert (row["public"], row["live"]) == (False, True)
    assert await search(knowledge, "vpn", public_only=True) == []
    assert learned_total() == before + 1


async def test_a_solution_is_not_live_until_the_ticket_is_solved(
    knowledge: KnowledgeHarness,
) -> None:
    created = knowledge.created()
    await knowledge.deliver(created)
    await knowledge.deliver(solution_marked(knowledge, created, "Reinstall the VPN client."))
    assert (await item_row(knowledge, created.ticket_id))["live"] is False
    assert await search(knowledge, "vpn drops") == []
    await knowledge.deliver(status_changed(knowledge, created, "closed"))
    assert [f.item_id for f in await search(knowledge, "vpn drops")] == [created.ticket_id]


async def test_events_out_of_order_end_in_the_same_projection(
    knowledge: KnowledgeHarness,
) -> None:
    created = knowledge.created(
        subject="打印机无法连接网络", description="三楼的打印机", language="zh", category="printer"
    )
    marked = solution_marked(knowledge, created, "重启打印机并重新插好网线。")
    knowledge.clock.advance(60)
    resolved = status_changed(knowledge, created, "resolved")
    for event in (resolved, marked, created):
        assert await knowledge.deliver(event) == "processed"
    ticket = await knowledge.fetchrow(
        "SELECT subject, description, status, resolved_at, created_at, solution, version"
        " FROM tickets WHERE ticket_id = $1",
        created.ticket_id,
    )
    assert ticket is not None
    assert dict(ticket) == {
        "subject": "打印机无法连接网络",
        "description": "三楼的打印机",
        "status": "resolved",
        "resolved_at": resolved.changed_at,
        "created_at": created.created_at,
        "solution": "重启打印机并重新插好网线。",
        "version": 3,
    }
    row = await item_row(knowledge, created.ticket_id)
    assert row["live"] is True
    assert "三楼的打印机" in str(row["body"])


async def test_a_chinese_question_finds_a_chinese_solution_by_a_word_inside_it(
    knowledge: KnowledgeHarness,
) -> None:
    printer = knowledge.created(subject="打印机无法连接网络", language="zh", category="printer")
    vpn = knowledge.created(subject="VPN 每十分钟断开一次", language="zh")
    await solved(knowledge, printer, "重启打印机并检查网线。")
    await solved(knowledge, vpn, "升级 VPN 客户端。")
    found = await search(knowledge, "三楼的打印机坏了", language="zh")
    assert [f.item_id for f in found] == [printer.ticket_id]
    assert "打印机" in found[0].matched_terms


async def test_duplicates_have_no_second_effect(knowledge: KnowledgeHarness) -> None:
    created = knowledge.created()
    await knowledge.deliver(created)
    marked = solution_marked(knowledge, created, "Reinstall the VPN client.")
    envelope = knowledge.envelope(marked)
    before = learned_total()
    assert await knowledge.deliver(envelope) == "processed"
    assert await knowledge.deliver(envelope) == "duplicate"
    # The same mark again under another event id (a replayed outbox row, say): still one.
    assert await knowledge.deliver(marked) == "processed"
    assert await knowledge.deliver(created) == "processed"
    assert learned_total() == before + 1
    rows = await knowledge.fetch(
        "SELECT solution, version FROM tickets WHERE ticket_id = $1", created.ticket_id
    )
    assert [tuple(r) for r in rows] == [("Reinstall the VPN client.", 2)]


async def test_reopening_hides_the_solution_and_resolving_again_shows_it(
    knowledge: KnowledgeHarness,
) -> None:
    created = knowledge.created()
    await solved(knowledge, created, "Reinstall the VPN client.")
    assert len(await search(knowledge, "vpn drops")) == 1
    knowledge.clock.advance(3600)
    reopened = status_changed(knowledge, created, "open", previous="resolved", reopened=True)
    await knowledge.deliver(reopened)
    assert await search(knowledge, "vpn drops") == []
    assert (await item_row(knowledge, created.ticket_id))["live"] is False
    cleared = await knowledge.fetchrow(
        "SELECT resolved_at FROM tickets WHERE ticket_id = $1", created.ticket_id
    )
    assert cleared is not None
    assert cleared["resolved_at"] is None
    knowledge.clock.advance(timedelta(days=1).total_seconds())
    again = status_changed(knowledge, created, "resolved")
    await knowledge.deliver(again)
    knowledge.clock.advance(60)
    await knowledge.deliver(status_changed(knowledge, created, "closed", previous="resolved"))
    assert [f.item_id for f in await search(knowledge, "vpn drops")] == [created.ticket_id]
    ticket = await knowledge.fetchrow(
        "SELECT status, resolved_at FROM tickets WHERE ticket_id = $1", created.ticket_id
    )
    assert ticket is not None
    assert (ticket["status"], ticket["resolved_at"]) == ("closed", again.changed_at)


async def test_stale_versions_are_ignored(knowledge: KnowledgeHarness) -> None:
    created = knowledge.created()
    await knowledge.deliver(created)
    first = solution_marked(knowledge, created, "Restart the router.")
    reopened = status_changed(knowledge, created, "open", previous="resolved", reopened=True)
    second = solution_marked(knowledge, created, "Reinstall the VPN client.")
    resolved = status_changed(knowledge, created, "resolved")
    for event in (second, resolved, first, reopened):
        assert await knowledge.deliver(event) == "processed"
    ticket = await knowledge.fetchrow(
        "SELECT status, solution, solution_comment_id, version, solution_version FROM tickets"
        " WHERE ticket_id = $1",
        created.ticket_id,
    )
    assert ticket is not None
    assert dict(ticket) == {
        "status": "resolved",
        "solution": "Reinstall the VPN client.",
        "solution_comment_id": second.comment_id,
        "version": resolved.version,
        "solution_version": second.version,
    }
    found = await search(knowledge, "vpn client")
    assert [f.item_id for f in found] == [created.ticket_id]
    assert await search(knowledge, "router") == []


async def test_a_new_category_or_language_refiles_the_solution(
    knowledge: KnowledgeHarness,
) -> None:
    created = knowledge.created(subject="Drucker druckt nicht", language="en", category="vpn")
    await solved(knowledge, created, "Den Treiber neu installieren.")
    assert await search(knowledge, "Treibern", language="de") == []
    changed = updated(knowledge, created, status="resolved", category="printer", language="de")
    await knowledge.deliver(changed)
    row = await item_row(knowledge, created.ticket_id)
    assert (row["category"], row["language"], row["live"]) == ("printer", "de", True)
    # Analysed as German now: "Treibern" and "Treiber" share the stem "treib".
    found = await search(knowledge, "Treibern", language="de")
    assert [f.item_id for f in found] == [created.ticket_id]
