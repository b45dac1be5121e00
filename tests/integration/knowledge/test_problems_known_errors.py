"""The known-error list: the latest to join it first, by category, searched through the one
ranker; requesters read only the public ones and write nothing."""

import uuid

import httpx

from tests.integration.knowledge.conftest import KnowledgeHarness
from tests.integration.knowledge.problem_steps import known_error, link, new_problem


async def test_the_list_holds_known_errors_and_resolved_problems_newest_first(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    await new_problem(api, title="还没查明的问题")
    older = await new_problem(api, title="邮件发送延迟", category="邮件")
    await known_error(api, older["problem_id"], workaround="稍后重发邮件。")
    knowledge.clock.advance(seconds=60)
    newer = await new_problem(api)
    await known_error(api, newer["problem_id"])
    await api.post(f"/problems/{older['problem_id']}/resolve", json={"permanent_fix": "扩容"})
    listed = (await api.get("/known-errors")).json()["items"]
    assert [k["problem_id"] for k in listed] == [newer["problem_id"], older["problem_id"]]
    assert [k["status"] for k in listed] == ["known_error", "resolved"]
    assert listed[1]["permanent_fix"] == "扩容"
    mail = (await api.get("/known-errors", params={"category": "邮件"})).json()["items"]
    assert [k["problem_id"] for k in mail] == [older["problem_id"]]


async def test_a_question_ranks_known_errors_by_their_workaround(
    api: httpx.AsyncClient,
) -> None:
    printer = await new_problem(api)
    await known_error(api, printer["problem_id"])
    vpn = await new_problem(
        api, title="VPN drops every ten minutes", category="vpn", language="en", description=""
    )
    await known_error(api, vpn["problem_id"], workaround="Reinstall the VPN client.")
    found = (await api.get("/known-errors", params={"q": "怎么重新连接无线网络"})).json()["items"]
    assert [k["problem_id"] for k in found] == [printer["problem_id"]]
    assert found[0]["score"] > 0
    assert "网络" in found[0]["why"]
    english = (await api.get("/known-errors", params={"q": "reinstalling vpn"})).json()["items"]
    assert [k["problem_id"] for k in english] == [vpn["problem_id"]]
    elsewhere = (
        await api.get("/known-errors", params={"q": "无线网络", "category": "vpn"})
    ).json()["items"]
    assert elsewhere == []


async def test_requesters_see_public_known_errors_only(
    api: httpx.AsyncClient, requester_api: httpx.AsyncClient
) -> None:
    public = await new_problem(api)
    await known_error(api, public["problem_id"], public=True)
    internal = await new_problem(api, title="内部网络设备故障")
    await known_error(api, internal["problem_id"], workaround="联系网络组重新连接无线网络。")
    listed = (await requester_api.get("/known-errors")).json()["items"]
    assert [k["problem_id"] for k in listed] == [public["problem_id"]]
    found = (await requester_api.get("/known-errors", params={"q": "无线网络"})).json()["items"]
    assert [k["problem_id"] for k in found] == [public["problem_id"]]
    staff = (await api.get("/known-errors", params={"q": "无线网络"})).json()["items"]
    assert {k["problem_id"] for k in staff} == {public["problem_id"], internal["problem_id"]}


async def test_requesters_neither_write_nor_read_problems(
    api: httpx.AsyncClient, requester_api: httpx.AsyncClient
) -> None:
    problem_id = (await new_problem(api))["problem_id"]
    path = f"/problems/{problem_id}"
    refused = [
        await requester_api.post("/problems", json={"title": "x", "language": "zh"}),
        await requester_api.get("/problems"),
        await requester_api.get(path),
        await requester_api.patch(path, json={"title": "y"}),
        await requester_api.post(f"{path}/tickets", json={"ticket_id": str(uuid.uuid4())}),
        await requester_api.delete(f"{path}/tickets/{uuid.uuid4()}"),
        await requester_api.get(f"{path}/tickets"),
        await requester_api.post(f"{path}/known-error", json={"workaround": "z"}),
        await requester_api.post(f"{path}/resolve", json={"permanent_fix": "z"}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert (await api.get(path)).json()["status"] == "open"
    await link(api, problem_id, uuid.uuid4())
