"""GET /deflection: of the tickets something was suggested for in a window, how many were
answered and solved (deflections); the rate solved / suggested, per item kind too."""

from datetime import timedelta

import httpx

from tests.integration.knowledge.conftest import KnowledgeHarness
from tests.integration.knowledge.suggestions_setup import indexed


async def answer(
    knowledge: KnowledgeHarness,
    api: httpx.AsyncClient,
    ticket_id: object,
    kind: str,
    item: object,
    solved: bool,
) -> None:
    row = await knowledge.fetchrow(
        "SELECT suggestion_id FROM suggestions WHERE ticket_id = $1", ticket_id
    )
    assert row is not None
    answered = await api.post(
        f"/suggestions/{row['suggestion_id']}/answer",
        json={"kind": kind, "item_id": str(item), "solved": solved},
    )
    assert answered.status_code == 200, answered.text


async def test_deflection_counts_suggested_answered_and_solved_tickets_per_kind(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient, agent_api: httpx.AsyncClient
) -> None:
    vpn = await indexed(knowledge, "VPN keeps disconnecting", "Reinstall the VPN client.")
    printer = await indexed(
        knowledge, "打印机无法连接网络", "重启打印机并检查网线。", language="zh", kind="known_error"
    )
    start = knowledge.clock()
    tickets = [
        knowledge.created(subject="VPN drops"),
        knowledge.created(subject="VPN slow"),
        knowledge.created(subject="VPN again"),
        knowledge.created(subject="三楼的打印机坏了", language="zh"),
        knowledge.created(subject="Expense report"),  # nothing found
    ]
    for ticket in tickets:
        await knowledge.deliver(ticket)
    await answer(knowledge, api, tickets[0].ticket_id, "article", vpn.item_id, True)
    await answer(knowledge, api, tickets[1].ticket_id, "article", vpn.item_id, False)
    await answer(knowledge, api, tickets[3].ticket_id, "known_error", printer.item_id, True)
    # Outside the window and an API-only suggestion: neither counts.
    knowledge.clock.advance(1800)
    await knowledge.deliver(knowledge.created(subject="VPN later"))
    await api.post("/suggestions", json={"subject": "vpn", "language": "en"})

    end = (start + timedelta(minutes=10)).isoformat()
    knowledge.clock.advance(1)
    window = await agent_api.get("/deflection", params={"from": start.isoformat(), "to": end})

    assert window.status_code == 200, window.text
    body = window.json()
    assert body["from"] == start.isoformat().replace("+00:00", "Z")
    assert body["considered_tickets"] == 5
    assert (body["suggested_tickets"], body["answered_tickets"], body["solved_tickets"]) == (
        4,
        3,
        2,
    )
    assert body["deflection_rate"] == 0.5
    by_kind = {k["kind"]: k for k in body["by_kind"]}
    assert (by_kind["article"]["suggested_tickets"], by_kind["article"]["solved_tickets"]) == (3, 1)
    assert by_kind["article"]["answered_tickets"] == 2
    assert round(by_kind["article"]["deflection_rate"], 4) == 0.3333
    assert (
        by_kind["known_error"]["suggested_tickets"],
        by_kind["known_error"]["solved_tickets"],
    ) == (
        1,
        1,
    )
    assert by_kind["known_error"]["deflection_rate"] == 1.0
    assert by_kind["solution"]["suggested_tickets"] == 0
    assert by_kind["solution"]["deflection_rate"] is None
    everything = (await agent_api.get("/deflection")).json()
    assert everything["considered_tickets"] == 6
    assert everything["suggested_tickets"] == 5


async def test_deflection_is_for_staff_and_needs_a_window_in_order(
    knowledge: KnowledgeHarness, requester_api: httpx.AsyncClient, agent_api: httpx.AsyncClient
) -> None:
    assert (await requester_api.get("/deflection")).status_code == 403
    now = knowledge.clock()
    backwards = await agent_api.get(
        "/deflection", params={"from": now.isoformat(), "to": (now - timedelta(days=1)).isoformat()}
    )
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "query:from"
    nonsense = await agent_api.get("/deflection", params={"from": "yesterday"})
    assert nonsense.status_code == 422
    empty = (await agent_api.get("/deflection")).json()
    assert empty["suggested_tickets"] == 0
    assert empty["deflection_rate"] is None
