"""A problem's path: open, known error (searchable, announced with its tickets), resolved once
(announced with every linked ticket, still searchable with its fix); edits guarded by If-Match."""

import uuid

import httpx
from prometheus_client import REGISTRY

from tests.integration.knowledge.conftest import KnowledgeHarness
from tests.integration.knowledge.problem_steps import (
    PRINTER,
    WORKAROUND,
    events_of,
    known_error,
    link,
    new_problem,
)
from tests.integration.paging import assert_bad_cursor_refused, walk_pages
from ticketflow_knowledge.commands.ranking import rank_items
from ticketflow_knowledge.domain.ranking import RankQuery

RESOLVED_TOTAL = "ticketflow_knowledge_problems_resolved_total"


def resolved_total() -> float:
    return REGISTRY.get_sample_value(RESOLVED_TOTAL) or 0.0


async def test_a_new_problem_is_open_in_chinese_and_read_back_with_its_etag(
    api: httpx.AsyncClient,
) -> None:
    created = await new_problem(api)
    assert created["status"] == "open"
    assert created["title"] == PRINTER["title"]
    assert created["category"] == "打印机"
    assert created["created_by"] == "admin"
    read = await api.get(f"/problems/{created['problem_id']}")
    assert read.status_code == 200
    assert read.json() == created
    assert read.headers["ETag"] == '"1"'


async def test_the_problem_list_filters_by_status_newest_first(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    first = await new_problem(api, title="邮件发送延迟")
    knowledge.clock.advance(seconds=60)
    second = await new_problem(api)
    await known_error(api, second["problem_id"])
    everything = (await api.get("/problems")).json()["items"]
    assert [p["problem_id"] for p in everything] == [second["problem_id"], first["problem_id"]]
    known = (await api.get("/problems", params={"status": "known_error"})).json()["items"]
    assert [p["problem_id"] for p in known] == [second["problem_id"]]
    walked = await walk_pages(api, "/problems", key=lambda p: p["problem_id"], limit=1)
    assert [p["problem_id"] for p in walked] == [second["problem_id"], first["problem_id"]]
    await assert_bad_cursor_refused(api, "/problems")


async def test_a_patch_with_a_stale_if_match_is_refused_and_a_current_one_applies(
    agent_api: httpx.AsyncClient,
) -> None:
    created = await new_problem(agent_api)
    path = f"/problems/{created['problem_id']}"
    changed = await agent_api.patch(
        path, json={"root_cause": "交换机固件缺陷"}, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["root_cause"] == "交换机固件缺陷"
    assert changed.headers["ETag"] == '"2"'
    stale = await agent_api.patch(path, json={"title": "别的标题"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["ETag"] == '"2"'
    assert (await agent_api.get(path)).json()["title"] == PRINTER["title"]
    cleared = await agent_api.patch(path, json={"category": None})
    assert cleared.status_code == 200
    assert cleared.json()["category"] is None


async def test_a_known_error_is_announced_with_its_linked_tickets_and_found_by_its_workaround(
    knowledge: KnowledgeHarness, agent_api: httpx.AsyncClient
) -> None:
    created = await new_problem(agent_api)
    problem_id = created["problem_id"]
    tickets = [uuid.uuid4(), uuid.uuid4()]
    for ticket_id in tickets:
        assert (await link(agent_api, problem_id, ticket_id)).status_code == 201
        knowledge.clock.advance(seconds=1)
    declared = await known_error(agent_api, problem_id, public=True)
    assert declared["status"] == "known_error"
    assert declared["workaround"] == WORKAROUND
    assert declared["public"] is True
    events = await events_of(knowledge, problem_id, "problem.known_error")
    assert len(events) == 1
    assert events[0]["ticket_ids"] == [str(t) for t in tickets]
    assert events[0]["workaround"] == declared["workaround"]
    assert events[0]["root_cause"] == "交换机端口节能模式导致断网。"
    async with knowledge.pool.acquire() as conn:
        found = await rank_items(
            conn=conn,
            query=RankQuery(
                text="重新连接无线网络", language="zh", public_only=True, kinds=("known_error",)
            ),
        )
    assert [f.item_id for f in found] == [uuid.UUID(problem_id)]
    assert found[0].kind == "known_error"
    assert found[0].title == PRINTER["title"]
    row = await knowledge.fetchrow(
        "SELECT body, live, public, category FROM search_items WHERE item_id = $1",
        uuid.UUID(problem_id),
    )
    assert row is not None
    assert "重启打印机" in row["body"]
    assert "交换机端口节能模式" in row["body"]
    assert row["live"]
    assert row["public"]
    assert row["category"] == "打印机"


async def test_declaring_twice_is_a_conflict_and_announces_nothing_more(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    created = await new_problem(api)
    await known_error(api, created["problem_id"])
    again = await api.post(
        f"/problems/{created['problem_id']}/known-error", json={"workaround": "另一个办法"}
    )
    assert again.status_code == 409
    assert len(await events_of(knowledge, created["problem_id"], "problem.known_error")) == 1


async def test_a_patched_workaround_reaches_the_index(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    created = await new_problem(api)
    await known_error(api, created["problem_id"])
    patched = await api.patch(
        f"/problems/{created['problem_id']}", json={"workaround": "拔掉网线等待十秒再插上。"}
    )
    assert patched.status_code == 200
    async with knowledge.pool.acquire() as conn:
        found = await rank_items(
            conn=conn, query=RankQuery(text="网线", language="zh", public_only=False)
        )
    assert [f.item_id for f in found] == [uuid.UUID(created["problem_id"])]
    cleared = await api.patch(f"/problems/{created['problem_id']}", json={"workaround": None})
    assert cleared.status_code == 422
    assert cleared.json()["errors"][0]["field"] == "workaround"


async def test_resolving_announces_every_linked_ticket_once_and_keeps_the_fix_searchable(
    knowledge: KnowledgeHarness, agent_api: httpx.AsyncClient
) -> None:
    created = await new_problem(agent_api)
    problem_id = created["problem_id"]
    early, late = uuid.uuid4(), uuid.uuid4()
    await link(agent_api, problem_id, early)
    await known_error(agent_api, problem_id)
    knowledge.clock.advance(seconds=1)
    await link(agent_api, problem_id, late)
    before = resolved_total()
    fix = {"permanent_fix": "升级交换机固件到 2.4 版。", "resolve_linked_tickets": True}
    resolved = await agent_api.post(f"/problems/{problem_id}/resolve", json=fix)
    assert resolved.status_code == 200, resolved.text
    body = resolved.json()
    assert body["status"] == "resolved"
    assert body["resolved_by"] == "a-1"
    assert body["workaround"] == WORKAROUND
    again = await agent_api.post(f"/problems/{problem_id}/resolve", json=fix)
    assert again.status_code == 409
    events = await events_of(knowledge, problem_id, "problem.resolved")
    assert len(events) == 1
    assert events[0]["ticket_ids"] == [str(early), str(late)]
    assert events[0]["resolve_linked_tickets"] is True
    assert events[0]["permanent_fix"] == "升级交换机固件到 2.4 版。"
    assert events[0]["resolved_by"] == "a-1"
    assert resolved_total() == before + 1
    async with knowledge.pool.acquire() as conn:
        found = await rank_items(
            conn=conn,
            query=RankQuery(text="升级固件", language="zh", public_only=False),
        )
    assert [f.item_id for f in found] == [uuid.UUID(problem_id)]


async def test_an_open_problem_resolves_directly_with_its_fix(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    created = await new_problem(api)
    problem_id = created["problem_id"]
    resolved = await api.post(
        f"/problems/{problem_id}/resolve", json={"permanent_fix": "更换了三楼的无线接入点。"}
    )
    assert resolved.status_code == 200
    assert resolved.json()["status"] == "resolved"
    events = await events_of(knowledge, problem_id, "problem.resolved")
    assert [e["ticket_ids"] for e in events] == [[]]
    assert events[0]["resolve_linked_tickets"] is False
    row = await knowledge.fetchrow(
        "SELECT live, public FROM search_items WHERE kind = 'known_error' AND item_id = $1",
        uuid.UUID(problem_id),
    )
    assert row is not None
    assert row["live"]
    assert not row["public"]
    late = await api.post(f"/problems/{problem_id}/known-error", json={"workaround": "来不及了"})
    assert late.status_code == 409


async def test_a_stale_if_match_on_resolve_changes_nothing(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    created = await new_problem(api)
    await known_error(api, created["problem_id"])
    stale = await api.post(
        f"/problems/{created['problem_id']}/resolve",
        json={"permanent_fix": "修好了"},
        headers={"If-Match": '"1"'},
    )
    assert stale.status_code == 412
    assert await events_of(knowledge, created["problem_id"], "problem.resolved") == []
