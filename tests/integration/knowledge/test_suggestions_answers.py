"""POST /suggestions/{id}/answer: the ticket's requester (or an admin) answers once with one of
the suggested items; solved counts reuse; tickets hear of it through suggestion.answered."""

import uuid
from typing import Any

import httpx

from tests.integration.knowledge.conftest import KnowledgeHarness
from tests.integration.knowledge.suggestions_setup import events_of, indexed, sample
from tests.support.knowledge import token_for
from ticketflow_common.events import TicketCreated
from ticketflow_common.events.knowledge import SuggestionAnswered
from ticketflow_knowledge.domain.search_index import IndexedItem

ANSWERED = "suggestion.answered"


async def ticket_suggestion(
    knowledge: KnowledgeHarness, **created: Any
) -> tuple[TicketCreated, uuid.UUID]:
    ticket = knowledge.created(**created)
    await knowledge.deliver(ticket)
    row = await knowledge.fetchrow(
        "SELECT suggestion_id FROM suggestions WHERE ticket_id = $1", ticket.ticket_id
    )
    assert row is not None
    return ticket, row["suggestion_id"]


def answer_of(item: IndexedItem, *, solved: bool) -> dict[str, Any]:
    return {"kind": item.kind, "item_id": str(item.item_id), "solved": solved}


async def reuse_of(knowledge: KnowledgeHarness, item: IndexedItem) -> int:
    row = await knowledge.fetchrow(
        "SELECT reuse_count FROM search_items WHERE kind = $1 AND item_id = $2",
        item.kind,
        item.item_id,
    )
    assert row is not None
    count: int = row["reuse_count"]
    return count


async def test_the_requester_answers_solved_once_and_the_ticket_hears_of_it(
    knowledge: KnowledgeHarness, requester_api: httpx.AsyncClient
) -> None:
    vpn = await indexed(knowledge, "VPN keeps disconnecting", "Reinstall the VPN client.")
    ticket, suggestion_id = await ticket_suggestion(knowledge, subject="VPN drops")
    before = sample("ticketflow_knowledge_answers_total", kind="article", solved="true")
    path = f"/suggestions/{suggestion_id}/answer"

    first = await requester_api.post(path, json=answer_of(vpn, solved=True))
    knowledge.clock.advance(60)
    again = await requester_api.post(path, json=answer_of(vpn, solved=True))
    changed = await requester_api.post(path, json=answer_of(vpn, solved=False))

    assert first.status_code == 200, first.text
    assert first.json()["solved"] is True
    assert first.json()["answered_by"] == "u-1"
    assert again.status_code == 200
    assert again.json() == first.json()
    assert changed.status_code == 409
    events = events_of(await knowledge.outbox(str(ticket.ticket_id)), ANSWERED)
    assert len(events) == 1
    event = SuggestionAnswered.model_validate(events[0]["data"])
    assert (event.suggestion_id, event.kind, event.item_id) == (
        suggestion_id,
        "article",
        vpn.item_id,
    )
    assert event.solved is True
    assert event.answered_by == "u-1"
    assert await reuse_of(knowledge, vpn) == 1
    after = sample("ticketflow_knowledge_answers_total", kind="article", solved="true")
    assert after == before + 1
    seen = (await requester_api.get(f"/suggestions/{suggestion_id}")).json()
    assert seen["answer"]["item_id"] == str(vpn.item_id)
    assert seen["answer"]["solved"] is True


async def test_not_solved_is_recorded_and_announced_but_counts_no_reuse(
    knowledge: KnowledgeHarness, requester_api: httpx.AsyncClient
) -> None:
    vpn = await indexed(knowledge, "VPN keeps disconnecting", "Reinstall the VPN client.")
    ticket, suggestion_id = await ticket_suggestion(knowledge, subject="VPN drops")
    answer = await requester_api.post(
        f"/suggestions/{suggestion_id}/answer", json=answer_of(vpn, solved=False)
    )
    assert answer.status_code == 200
    events = events_of(await knowledge.outbox(str(ticket.ticket_id)), ANSWERED)
    assert [e["data"]["solved"] for e in events] == [False]  # type: ignore[index]
    assert await reuse_of(knowledge, vpn) == 0


async def test_only_the_requester_or_an_admin_may_answer(
    knowledge: KnowledgeHarness,
    agent_api: httpx.AsyncClient,
    api: httpx.AsyncClient,
) -> None:
    vpn = await indexed(knowledge, "VPN keeps disconnecting", "Reinstall the VPN client.")
    ticket, suggestion_id = await ticket_suggestion(knowledge, subject="VPN drops")
    path = f"/suggestions/{suggestion_id}/answer"
    async with knowledge.client(token_for("requester", "u-2", now=knowledge.clock())) as other:
        stranger = await other.post(path, json=answer_of(vpn, solved=True))
    agent = await agent_api.post(path, json=answer_of(vpn, solved=True))
    assert stranger.status_code == 403
    assert agent.status_code == 403
    assert events_of(await knowledge.outbox(), ANSWERED) == []

    admin = await api.post(path, json=answer_of(vpn, solved=True))
    assert admin.status_code == 200
    assert admin.json()["answered_by"] == "admin"
    events = events_of(await knowledge.outbox(str(ticket.ticket_id)), ANSWERED)
    assert [e["data"]["answered_by"] for e in events] == ["u-1"]  # type: ignore[index]


async def test_the_item_must_be_one_the_requester_was_suggested(
    knowledge: KnowledgeHarness, requester_api: httpx.AsyncClient
) -> None:
    await indexed(knowledge, "VPN keeps disconnecting", "Reinstall the VPN client.")
    internal = await indexed(knowledge, "VPN gateway runbook", "Restart vpn-gw-2.", public=False)
    elsewhere = await indexed(knowledge, "Printer offline", "Power cycle it.")
    _, suggestion_id = await ticket_suggestion(knowledge, subject="VPN drops")
    path = f"/suggestions/{suggestion_id}/answer"
    wrong_kind = {"kind": "solution", "item_id": str(internal.item_id), "solved": True}
    for body in (answer_of(elsewhere, solved=True), answer_of(internal, solved=True), wrong_kind):
        refused = await requester_api.post(path, json=body)
        assert refused.status_code == 422, body
        assert refused.json()["errors"][0]["field"] == "item_id"
    bad = await requester_api.post(path, json={"kind": "faq", "item_id": "x", "solved": "maybe"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"kind", "item_id", "solved"}
    missing = await requester_api.post(
        f"/suggestions/{uuid.uuid4()}/answer", json=answer_of(elsewhere, solved=True)
    )
    assert missing.status_code == 404
    assert await knowledge.fetch("SELECT * FROM suggestion_answers") == []


async def test_an_api_suggestion_without_a_ticket_records_the_answer_and_emits_nothing(
    knowledge: KnowledgeHarness, requester_api: httpx.AsyncClient
) -> None:
    printer = await indexed(
        knowledge, "打印机无法连接网络", "重启打印机并检查网线。", language="zh"
    )
    made = (
        await requester_api.post("/suggestions", json={"subject": "打印机坏了", "language": "zh"})
    ).json()
    answer = await requester_api.post(
        f"/suggestions/{made['suggestion_id']}/answer", json=answer_of(printer, solved=True)
    )
    assert answer.status_code == 200
    assert events_of(await knowledge.outbox(), ANSWERED) == []
    assert await reuse_of(knowledge, printer) == 1
    stored = await knowledge.fetch("SELECT answered_by, solved FROM suggestion_answers")
    assert [(r["answered_by"], r["solved"]) for r in stored] == [("u-1", True)]
