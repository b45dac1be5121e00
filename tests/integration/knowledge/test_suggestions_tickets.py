"""On ticket.created knowledge ranks the subject and description over every item, stores the
ticket's one suggestion and, when anything was found, emits knowledge.suggested once."""

from tests.integration.knowledge.conftest import KnowledgeHarness
from tests.integration.knowledge.suggestions_setup import events_of, indexed, sample
from ticketflow_common.events.knowledge import KnowledgeSuggested
from ticketflow_knowledge.commands.suggestions import suggest_for_ticket

SUGGESTED = "knowledge.suggested"


async def test_a_new_ticket_gets_one_suggestion_announced_with_its_requester(
    knowledge: KnowledgeHarness,
) -> None:
    public = await indexed(knowledge, "VPN keeps disconnecting", "Reinstall the VPN client.")
    internal = await indexed(knowledge, "VPN gateway runbook", "Restart vpn-gw-2.", public=False)
    before = sample("ticketflow_knowledge_suggestions_total", origin="ticket", found="true")
    created = knowledge.created(subject="VPN drops", description="every ten minutes")

    assert await knowledge.deliver(created) == "processed"

    events = events_of(await knowledge.outbox(str(created.ticket_id)), SUGGESTED)
    assert len(events) == 1
    event = KnowledgeSuggested.model_validate(events[0]["data"])
    assert event.ticket_id == created.ticket_id
    assert event.requester_id == "u-1"
    assert event.requester_email == "u-1@example.org"
    assert {(i.item_id, i.public) for i in event.items} == {
        (public.item_id, True),
        (internal.item_id, False),
    }
    rows = await knowledge.fetch(
        "SELECT suggestion_id, requester_id, query FROM suggestions WHERE ticket_id = $1",
        created.ticket_id,
    )
    assert [(r["suggestion_id"], r["requester_id"]) for r in rows] == [(event.suggestion_id, "u-1")]
    assert rows[0]["query"] == "VPN drops\nevery ten minutes"
    after = sample("ticketflow_knowledge_suggestions_total", origin="ticket", found="true")
    assert after == before + 1


async def test_a_redelivered_ticket_created_makes_no_second_suggestion_nor_event(
    knowledge: KnowledgeHarness,
) -> None:
    await indexed(knowledge, "VPN keeps disconnecting", "Reinstall the VPN client.")
    created = knowledge.created(subject="VPN drops")
    envelope = knowledge.envelope(created)
    assert await knowledge.deliver(envelope) == "processed"
    assert await knowledge.deliver(envelope) == "duplicate"
    # The same ticket in a fresh envelope (a republished event) is refused by the unique index.
    assert await knowledge.deliver(created) == "processed"
    async with knowledge.pool.acquire() as conn:
        again = await suggest_for_ticket(
            conn=conn, ticket=created, now=knowledge.clock(), limit=5, min_score=0.0
        )
    assert again is None
    assert len(events_of(await knowledge.outbox(str(created.ticket_id)), SUGGESTED)) == 1
    count = await knowledge.fetchrow(
        "SELECT count(*) AS n FROM suggestions WHERE ticket_id = $1", created.ticket_id
    )
    assert count is not None
    assert count["n"] == 1


async def test_nothing_found_stores_the_suggestion_and_emits_nothing(
    knowledge: KnowledgeHarness,
) -> None:
    await indexed(knowledge, "Printer offline", "Power cycle it.")
    before = sample("ticketflow_knowledge_suggestions_total", origin="ticket", found="false")
    created = knowledge.created(subject="Expense report rejected")
    await knowledge.deliver(created)
    assert events_of(await knowledge.outbox(), SUGGESTED) == []
    row = await knowledge.fetchrow(
        "SELECT items FROM suggestions WHERE ticket_id = $1", created.ticket_id
    )
    assert row is not None
    assert row["items"] == []
    after = sample("ticketflow_knowledge_suggestions_total", origin="ticket", found="false")
    assert after == before + 1


async def test_a_chinese_ticket_is_ranked_in_chinese(knowledge: KnowledgeHarness) -> None:
    printer = await indexed(
        knowledge, "打印机无法连接网络", "重启打印机并检查网线。", language="zh"
    )
    await indexed(knowledge, "VPN keeps disconnecting", "Reinstall the VPN client.")
    created = knowledge.created(
        subject="三楼的打印机坏了", description="打印机一直离线", language="zh"
    )
    await knowledge.deliver(created)
    events = events_of(await knowledge.outbox(str(created.ticket_id)), SUGGESTED)
    assert len(events) == 1
    event = KnowledgeSuggested.model_validate(events[0]["data"])
    assert event.language == "zh"
    assert [i.item_id for i in event.items] == [printer.item_id]
    assert event.items[0].title == "打印机无法连接网络"


async def test_the_settings_limit_and_min_score_bound_a_tickets_suggestion(
    knowledge: KnowledgeHarness,
) -> None:
    for n in range(3):
        await indexed(knowledge, f"Password reset {n}", "Use the self-service page.")
    created = knowledge.created(subject="password reset")
    async with knowledge.pool.acquire() as conn:
        two = await suggest_for_ticket(
            conn=conn, ticket=created, now=knowledge.clock(), limit=2, min_score=0.0
        )
        none = await suggest_for_ticket(
            conn=conn,
            ticket=knowledge.created(subject="password reset"),
            now=knowledge.clock(),
            limit=5,
            min_score=1_000.0,
        )
    assert two is not None
    assert len(two.items) == 2
    assert none is not None
    assert none.items == []
