"""POST /suggestions and GET /suggestions/{id}: ranked items with why they matched, stored for
the requester who asked, public items only for requesters, bad input named."""

import uuid

import httpx

from tests.integration.knowledge.conftest import KnowledgeHarness
from tests.integration.knowledge.suggestions_setup import indexed, projected, sample
from tests.support.knowledge import token_for

ASKED = "ticketflow_knowledge_suggestions_total"


async def test_a_requester_gets_public_items_with_score_and_why_and_the_suggestion_is_stored(
    knowledge: KnowledgeHarness, requester_api: httpx.AsyncClient
) -> None:
    public = await indexed(knowledge, "VPN keeps disconnecting", "Reinstall the VPN client.")
    await indexed(knowledge, "VPN concentrator runbook", "Restart vpn-gw-2.", public=False)
    found_before = sample(ASKED, origin="api", found="true")
    timed_before = sample("ticketflow_knowledge_suggestion_seconds_count")

    answer = await requester_api.post(
        "/suggestions",
        json={
            "subject": "My VPN disconnects",
            "description": "since this morning",
            "language": "en",
        },
    )

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["language"] == "en"
    assert [i["item_id"] for i in body["items"]] == [str(public.item_id)]
    item = body["items"][0]
    assert item["score"] > 0
    assert "vpn" in item["matched_terms"]
    assert "title" in item["why"]
    assert item["public"] is True
    row = await knowledge.fetchrow(
        "SELECT requester_id, ticket_id, query, items FROM suggestions WHERE suggestion_id = $1",
        uuid.UUID(body["suggestion_id"]),
    )
    assert row is not None
    assert row["requester_id"] == "u-1"
    assert row["ticket_id"] is None
    assert row["query"] == "My VPN disconnects\nsince this morning"
    assert [i["item_id"] for i in row["items"]] == [str(public.item_id)]
    assert sample(ASKED, origin="api", found="true") == found_before + 1
    assert sample("ticketflow_knowledge_suggestion_seconds_count") == timed_before + 1


async def test_staff_see_internal_items_too_and_kinds_and_limit_narrow_the_answer(
    knowledge: KnowledgeHarness, agent_api: httpx.AsyncClient
) -> None:
    article = await indexed(knowledge, "Printer offline", "Power cycle the printer.")
    internal = await indexed(
        knowledge, "Printer fleet runbook", "Reset printer queue.", public=False, kind="solution"
    )
    both = await agent_api.post(
        "/suggestions", json={"subject": "printer offline", "language": "en"}
    )
    solutions = await agent_api.post(
        "/suggestions", json={"subject": "printer", "language": "en", "kinds": ["solution"]}
    )
    one = await agent_api.post(
        "/suggestions", json={"subject": "printer offline", "language": "en", "limit": 1}
    )
    assert {i["item_id"] for i in both.json()["items"]} == {
        str(article.item_id),
        str(internal.item_id),
    }
    assert {i["public"] for i in both.json()["items"]} == {True, False}
    assert [i["item_id"] for i in solutions.json()["items"]] == [str(internal.item_id)]
    assert [i["item_id"] for i in one.json()["items"]] == [str(article.item_id)]
    stored = await knowledge.fetchrow(
        "SELECT requester_id FROM suggestions WHERE suggestion_id = $1",
        uuid.UUID(both.json()["suggestion_id"]),
    )
    assert stored is not None
    assert stored["requester_id"] is None


async def test_chinese_questions_find_chinese_items(
    knowledge: KnowledgeHarness, requester_api: httpx.AsyncClient
) -> None:
    printer = await indexed(
        knowledge, "打印机无法连接网络", "重启打印机并检查网线。", language="zh"
    )
    answer = await requester_api.post(
        "/suggestions", json={"subject": "三楼的打印机坏了", "description": "", "language": "zh"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["language"] == "zh"
    assert [i["title"] for i in body["items"]] == ["打印机无法连接网络"]
    assert body["items"][0]["item_id"] == str(printer.item_id)
    assert "打印机" in body["items"][0]["matched_terms"]


async def test_nothing_found_is_an_empty_list_and_counted_as_not_found(
    knowledge: KnowledgeHarness, requester_api: httpx.AsyncClient
) -> None:
    await indexed(knowledge, "Printer offline", "Power cycle it.")
    before = sample(ASKED, origin="api", found="false")
    answer = await requester_api.post(
        "/suggestions", json={"subject": "expense report", "language": "en"}
    )
    assert answer.status_code == 200
    assert answer.json()["items"] == []
    assert sample(ASKED, origin="api", found="false") == before + 1


async def test_bad_input_is_a_422_naming_the_field(requester_api: httpx.AsyncClient) -> None:
    cases = [
        ({"subject": "  ", "description": "\n\t", "language": "en"}, "subject"),
        ({"subject": "vpn", "language": "english"}, "language"),
        ({"subject": "vpn", "language": "en", "limit": 0}, "limit"),
        ({"subject": "vpn", "language": "en", "limit": 21}, "limit"),
        ({"subject": "vpn", "language": "en", "kinds": ["faq"]}, "kinds.0"),
        ({"subject": "vpn", "language": "en", "colour": "red"}, "colour"),
        ({"subject": "vpn"}, "language"),
    ]
    for body, field in cases:
        answer = await requester_api.post("/suggestions", json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert field in {e["field"] for e in answer.json()["errors"]}, (body, answer.json())


async def test_a_suggestion_is_read_by_staff_and_its_requester_only(
    knowledge: KnowledgeHarness,
    requester_api: httpx.AsyncClient,
    agent_api: httpx.AsyncClient,
) -> None:
    await indexed(knowledge, "VPN keeps disconnecting", "Reinstall the VPN client.")
    made = (
        await requester_api.post("/suggestions", json={"subject": "vpn", "language": "en"})
    ).json()
    path = f"/suggestions/{made['suggestion_id']}"
    other = token_for("requester", "u-2", now=knowledge.clock())
    async with knowledge.client(other) as stranger:
        refused = await stranger.get(path)
    mine = await requester_api.get(path)
    staff = await agent_api.get(path)
    missing = await agent_api.get(f"/suggestions/{uuid.uuid4()}")
    assert mine.status_code == 200
    assert mine.json()["items"] == made["items"]
    assert mine.json()["answer"] is None
    assert staff.status_code == 200
    assert staff.json()["requester_id"] == "u-1"
    assert refused.status_code == 404
    assert missing.status_code == 404


async def test_requesters_see_only_the_public_items_of_their_tickets_suggestion(
    knowledge: KnowledgeHarness, requester_api: httpx.AsyncClient
) -> None:
    public = await indexed(knowledge, "VPN keeps disconnecting", "Reinstall the VPN client.")
    internal = await indexed(knowledge, "VPN gateway runbook", "Restart vpn-gw-2.", public=False)
    created = knowledge.created(subject="VPN disconnects")
    await knowledge.deliver(created)
    row = await knowledge.fetchrow(
        "SELECT suggestion_id FROM suggestions WHERE ticket_id = $1", created.ticket_id
    )
    assert row is not None
    seen = (await requester_api.get(f"/suggestions/{row['suggestion_id']}")).json()
    staff = await knowledge.fetchrow(
        "SELECT items FROM suggestions WHERE suggestion_id = $1", row["suggestion_id"]
    )
    assert staff is not None
    assert {i["item_id"] for i in staff["items"]} == {str(public.item_id), str(internal.item_id)}
    assert [i["item_id"] for i in seen["items"]] == [str(public.item_id)]


async def test_asking_for_a_ticket_needs_its_requester_and_makes_its_one_suggestion(
    knowledge: KnowledgeHarness, requester_api: httpx.AsyncClient, agent_api: httpx.AsyncClient
) -> None:
    await indexed(knowledge, "VPN keeps disconnecting", "Reinstall the VPN client.")
    mine = knowledge.created(subject="vpn", requester_id="u-1")
    theirs = knowledge.created(subject="vpn", requester_id="u-2")
    for ticket in (mine, theirs):
        await projected(knowledge, ticket)
    ask = {"subject": "vpn drops", "language": "en"}

    made = await requester_api.post("/suggestions", json={**ask, "ticket_id": str(mine.ticket_id)})
    again = await requester_api.post("/suggestions", json={**ask, "ticket_id": str(mine.ticket_id)})
    foreign = await requester_api.post(
        "/suggestions", json={**ask, "ticket_id": str(theirs.ticket_id)}
    )
    unknown = await requester_api.post("/suggestions", json={**ask, "ticket_id": str(uuid.uuid4())})
    for_them = await agent_api.post(
        "/suggestions", json={**ask, "ticket_id": str(theirs.ticket_id)}
    )

    assert made.status_code == 200
    assert made.json()["ticket_id"] == str(mine.ticket_id)
    assert again.status_code == 409
    assert again.json()["suggestion_id"] == made.json()["suggestion_id"]
    assert foreign.status_code == 403
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "ticket_id"
    assert for_them.status_code == 200
    assert for_them.json()["requester_id"] == "u-2"
