"""Marking a reply as a ticket's solution: staff only, a public agent reply only, one per ticket,
the same again is a no-op, and `ticket.solution_marked` carries what knowledge learns from."""

from typing import Any

import pytest

from tests.integration.intake.conftest import IntakeApi, Keys, ticket_body

pytestmark = pytest.mark.integration


async def file(api: IntakeApi, keys: Keys, **fields: Any) -> str:
    async with api.client(keys.requester) as http:
        filed = await http.post("/tickets", json=ticket_body(keys.requester_id, **fields))
    assert filed.status_code == 201, filed.text
    ticket_id: str = filed.json()["id"]
    return ticket_id


async def reply(
    api: IntakeApi, token: str, ticket_id: str, body: str, *, public: bool = True
) -> str:
    async with api.client(token) as http:
        made = await http.post(
            f"/tickets/{ticket_id}/comments", json={"body": body, "public": public}
        )
    assert made.status_code == 201, made.text
    comment_id: str = made.json()["id"]
    return comment_id


def solution_path(ticket_id: str, comment_id: str) -> str:
    return f"/tickets/{ticket_id}/comments/{comment_id}/solution"


async def test_ticket_created_carries_the_description(api: IntakeApi, keys: Keys) -> None:
    ticket_id = await file(api, keys, subject="打印机卡纸", description="三楼的打印机每天卡纸")
    created = (await api.outbox_events(ticket_id))[0]
    assert created["type"] == "ticket.created"
    assert created["data"]["description"] == "三楼的打印机每天卡纸"


async def test_marking_a_reply_emits_the_solution_and_the_list_shows_it(
    api: IntakeApi, keys: Keys
) -> None:
    ticket_id = await file(api, keys, subject="VPN 每十分钟断开一次")
    answer = await reply(api, keys.agent, ticket_id, "请把 VPN 客户端升级到 5.2 版")
    other = await reply(api, keys.agent, ticket_id, "Any news?")
    before = len(await api.outbox_events(ticket_id))
    async with api.client(keys.agent) as agent, api.client(keys.requester) as requester:
        marked = await agent.put(solution_path(ticket_id, answer))
        ticket = await agent.get(f"/tickets/{ticket_id}")
        seen = await requester.get(f"/tickets/{ticket_id}/comments")
        staff_timeline = await agent.get(f"/tickets/{ticket_id}/timeline")
        requester_timeline = await requester.get(f"/tickets/{ticket_id}/timeline")
    assert marked.status_code == 200, marked.text
    assert "ticket.solution_marked" in [e["type"] for e in staff_timeline.json()["items"]]
    assert "ticket.solution_marked" not in [e["type"] for e in requester_timeline.json()["items"]]
    assert (marked.json()["id"], marked.json()["solution"]) == (answer, True)
    assert {c["id"]: c["solution"] for c in seen.json()["items"]} == {answer: True, other: False}
    events = await api.outbox_events(ticket_id)
    assert len(events) == before + 1
    event = events[-1]
    assert event["type"] == "ticket.solution_marked"
    assert event["data"]["comment_id"] == answer
    assert event["data"]["subject"] == "VPN 每十分钟断开一次"
    assert event["data"]["solution"] == "请把 VPN 客户端升级到 5.2 版"
    assert event["data"]["marked_by"] == "agent-grace"
    assert event["data"]["version"] == ticket.json()["version"] == events[-2]["data"]["version"] + 1


async def test_the_same_again_changes_nothing_and_another_replaces_it(
    api: IntakeApi, keys: Keys
) -> None:
    ticket_id = await file(api, keys)
    first = await reply(api, keys.agent, ticket_id, "Power-cycle the printer")
    second = await reply(api, keys.agent, ticket_id, "Replace the fuser unit")
    async with api.client(keys.agent) as agent:
        assert (await agent.put(solution_path(ticket_id, first))).status_code == 200
        version = (await agent.get(f"/tickets/{ticket_id}")).json()["version"]
        count = len(await api.outbox_events(ticket_id))
        again = await agent.put(solution_path(ticket_id, first))
        unchanged = (await agent.get(f"/tickets/{ticket_id}")).json()["version"]
        assert len(await api.outbox_events(ticket_id)) == count
        replaced = await agent.put(solution_path(ticket_id, second))
        seen = await agent.get(f"/tickets/{ticket_id}/comments")
    assert again.status_code == 200
    assert again.json()["solution"] is True
    assert unchanged == version
    assert replaced.status_code == 200
    assert {c["id"]: c["solution"] for c in seen.json()["items"]} == {first: False, second: True}
    events = await api.outbox_events(ticket_id)
    marks = [e["data"]["comment_id"] for e in events if e["type"] == "ticket.solution_marked"]
    assert marks == [first, second]


async def test_only_a_public_staff_reply_by_staff_is_marked(api: IntakeApi, keys: Keys) -> None:
    ticket_id = await file(api, keys)
    note = await reply(api, keys.agent, ticket_id, "suspect the dock", public=False)
    own = await reply(api, keys.requester, ticket_id, "I rebooted it myself")
    answer = await reply(api, keys.agent, ticket_id, "Update the dock firmware")
    async with (
        api.client(keys.agent) as agent,
        api.client(keys.requester) as requester,
        api.client(keys.approver) as approver,
    ):
        internal = await agent.put(solution_path(ticket_id, note))
        by_requester = await agent.put(solution_path(ticket_id, own))
        as_requester = await requester.put(solution_path(ticket_id, answer))
        as_approver = await approver.put(solution_path(ticket_id, answer))
        unknown = await agent.put(solution_path(ticket_id, "00000000-0000-0000-0000-000000000001"))
        seen = await agent.get(f"/tickets/{ticket_id}/comments")
    assert internal.status_code == 409
    assert "internal note" in internal.json()["detail"]
    assert internal.json()["public"] is False
    assert by_requester.status_code == 409
    assert by_requester.json()["author_role"] == "requester"
    assert as_requester.status_code == as_approver.status_code == 403
    assert unknown.status_code == 404
    assert not any(c["solution"] for c in seen.json()["items"])
    assert "ticket.solution_marked" not in await api.outbox_types(ticket_id)


async def test_a_resolved_ticket_takes_a_solution_a_closed_one_refuses(
    api: IntakeApi, keys: Keys
) -> None:
    resolved = await file(api, keys)
    closed = await file(api, keys)
    on_resolved = await reply(api, keys.agent, resolved, "Clear the print queue")
    on_closed = await reply(api, keys.agent, closed, "Clear the print queue")
    async with api.client(keys.agent) as agent:
        await agent.post(f"/tickets/{resolved}/status", json={"status": "resolved"})
        await agent.post(f"/tickets/{closed}/status", json={"status": "closed"})
        late = await agent.put(solution_path(resolved, on_resolved))
        final = await agent.put(solution_path(closed, on_closed))
    assert late.status_code == 200
    assert (await api.outbox_events(resolved))[-1]["data"]["status"] == "resolved"
    assert final.status_code == 409
    assert final.json()["status_now"] == "closed"
