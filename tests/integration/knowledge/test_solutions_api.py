"""`GET /solutions` and `GET /solutions/{ticket_id}`: staff read what knowledge learned, search
the live solutions in any language, and requesters read none of it."""

import uuid

import httpx

from tests.integration.knowledge.conftest import KnowledgeHarness
from tests.integration.knowledge.solution_events import solution_marked, solved, status_changed


async def test_staff_list_learned_solutions_newest_first_with_their_state(
    knowledge: KnowledgeHarness, agent_api: httpx.AsyncClient
) -> None:
    older = knowledge.created(subject="VPN drops every ten minutes", category="vpn")
    await solved(knowledge, older, "Reinstall the VPN client.")
    knowledge.clock.advance(60)
    newer = knowledge.created(subject="Printer jams", category="printer")
    await knowledge.deliver(newer)
    marked = solution_marked(knowledge, newer, "Open tray 2 and remove the paper.")
    await knowledge.deliver(marked)
    unsolved = knowledge.created(subject="Monitor flickers")
    await knowledge.deliver(unsolved)
    listed = await agent_api.get("/solutions")
    assert listed.status_code == 200, listed.text
    rows = listed.json()["items"]
    assert [(r["ticket_id"], r["live"]) for r in rows] == [
        (str(newer.ticket_id), False),
        (str(older.ticket_id), True),
    ]
    assert rows[0]["solution"] == "Open tray 2 and remove the paper."
    assert rows[0]["comment_id"] == str(marked.comment_id)
    assert (rows[0]["marked_by"], rows[0]["status"], rows[0]["reuse_count"]) == ("a-1", "open", 0)
    printers = await agent_api.get("/solutions", params={"category": "printer"})
    assert [r["ticket_id"] for r in printers.json()["items"]] == [str(newer.ticket_id)]
    first = (await agent_api.get("/solutions", params={"limit": 1})).json()
    assert [r["ticket_id"] for r in first["items"]] == [str(newer.ticket_id)]
    paged = await agent_api.get("/solutions", params={"limit": 1, "cursor": first["next_cursor"]})
    assert [r["ticket_id"] for r in paged.json()["items"]] == [str(older.ticket_id)]


async def test_a_search_finds_live_solutions_in_chinese_and_filters_by_category(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    printer = knowledge.created(subject="打印机无法连接网络", language="zh", category="printer")
    other = knowledge.created(subject="打印机卡纸", language="zh", category="hardware")
    pending = knowledge.created(subject="打印机没有墨水", language="zh", category="printer")
    await solved(knowledge, printer, "重启打印机并检查网线。")
    await solved(knowledge, other, "打开二号纸盒取出卡纸。")
    await knowledge.deliver(pending)
    await knowledge.deliver(solution_marked(knowledge, pending, "更换墨盒。"))
    found = await api.get("/solutions", params={"q": "三楼的打印机坏了", "language": "zh"})
    assert found.status_code == 200, found.text
    rows = found.json()["items"]
    assert {r["ticket_id"] for r in rows} == {str(printer.ticket_id), str(other.ticket_id)}
    assert all(r["score"] > 0 and "打印机" in r["matched_terms"] for r in rows)
    filed = await api.get(
        "/solutions", params={"q": "打印机", "language": "zh", "category": "printer"}
    )
    assert [r["ticket_id"] for r in filed.json()["items"]] == [str(printer.ticket_id)]
    assert filed.json()["items"][0]["why"]


async def test_one_solution_by_ticket_and_404_for_none(
    knowledge: KnowledgeHarness, agent_api: httpx.AsyncClient
) -> None:
    created = knowledge.created(description="Since Monday")
    await solved(knowledge, created, "Reinstall the VPN client.")
    await knowledge.deliver(
        status_changed(knowledge, created, "open", previous="resolved", reopened=True)
    )
    unsolved = knowledge.created()
    await knowledge.deliver(unsolved)
    one = await agent_api.get(f"/solutions/{created.ticket_id}")
    assert one.status_code == 200, one.text
    body = one.json()
    assert (body["subject"], body["description"], body["live"], body["status"]) == (
        "VPN drops every ten minutes",
        "Since Monday",
        False,
        "open",
    )
    assert (await agent_api.get(f"/solutions/{unsolved.ticket_id}")).status_code == 404
    assert (await agent_api.get(f"/solutions/{uuid.uuid4()}")).status_code == 404
    assert (await agent_api.get("/solutions/not-a-uuid")).status_code == 422


async def test_requesters_read_no_solutions_and_bad_paging_is_refused(
    knowledge: KnowledgeHarness, requester_api: httpx.AsyncClient, api: httpx.AsyncClient
) -> None:
    created = knowledge.created()
    await solved(knowledge, created, "Reinstall the VPN client.")
    assert (await requester_api.get("/solutions")).status_code == 403
    assert (await requester_api.get(f"/solutions/{created.ticket_id}")).status_code == 403
    too_many = await api.get("/solutions", params={"limit": 201})
    assert too_many.status_code == 422
    assert "limit" in too_many.text
