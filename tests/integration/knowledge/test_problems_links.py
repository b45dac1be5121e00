"""Incident tickets link to a problem whether or not knowledge has seen them: links are
idempotent, listed with what the tickets projection knows, and fixed once the problem is."""

import uuid

import httpx

from tests.integration.knowledge.conftest import KnowledgeHarness
from tests.integration.knowledge.problem_steps import link, new_problem, project_ticket


async def test_linking_twice_keeps_one_link_and_answers_200(
    knowledge: KnowledgeHarness, agent_api: httpx.AsyncClient
) -> None:
    problem_id = (await new_problem(agent_api))["problem_id"]
    ticket_id = uuid.uuid4()
    first = await link(agent_api, problem_id, ticket_id)
    assert first.status_code == 201
    assert first.json()["ticket_id"] == str(ticket_id)
    assert first.json()["linked_by"] == "a-1"
    assert first.json()["subject"] is None
    knowledge.clock.advance(seconds=30)
    second = await link(agent_api, problem_id, ticket_id)
    assert second.status_code == 200
    assert second.json() == first.json()
    rows = await knowledge.fetch(
        "SELECT ticket_id FROM problem_tickets WHERE problem_id = $1", uuid.UUID(problem_id)
    )
    assert [r["ticket_id"] for r in rows] == [ticket_id]


async def test_linked_tickets_show_subject_and_status_when_known(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    problem_id = (await new_problem(api))["problem_id"]
    known, unknown = uuid.uuid4(), uuid.uuid4()
    await project_ticket(knowledge, known, subject="打印机又掉线了", status="open")
    await link(api, problem_id, known)
    knowledge.clock.advance(seconds=1)
    await link(api, problem_id, unknown)
    listed = (await api.get(f"/problems/{problem_id}/tickets")).json()["items"]
    assert [(t["ticket_id"], t["subject"], t["status"]) for t in listed] == [
        (str(known), "打印机又掉线了", "open"),
        (str(unknown), None, None),
    ]


async def test_unlinking_removes_the_ticket_and_an_unknown_link_is_404(
    api: httpx.AsyncClient,
) -> None:
    problem_id = (await new_problem(api))["problem_id"]
    ticket_id = uuid.uuid4()
    await link(api, problem_id, ticket_id)
    gone = await api.delete(f"/problems/{problem_id}/tickets/{ticket_id}")
    assert gone.status_code == 204
    assert (await api.get(f"/problems/{problem_id}/tickets")).json()["items"] == []
    again = await api.delete(f"/problems/{problem_id}/tickets/{ticket_id}")
    assert again.status_code == 404
    assert str(ticket_id) in again.json()["detail"]


async def test_a_resolved_problem_takes_no_new_links_but_repeats_its_old_ones(
    api: httpx.AsyncClient,
) -> None:
    problem_id = (await new_problem(api))["problem_id"]
    linked = uuid.uuid4()
    await link(api, problem_id, linked)
    await api.post(f"/problems/{problem_id}/resolve", json={"permanent_fix": "已修复"})
    assert (await link(api, problem_id, linked)).status_code == 200
    assert (await link(api, problem_id, uuid.uuid4())).status_code == 409
    assert (await api.delete(f"/problems/{problem_id}/tickets/{linked}")).status_code == 409


async def test_links_to_an_unknown_problem_are_404(api: httpx.AsyncClient) -> None:
    missing = uuid.uuid4()
    assert (await link(api, str(missing), uuid.uuid4())).status_code == 404
    assert (await api.get(f"/problems/{missing}/tickets")).status_code == 404
    response = await api.delete(f"/problems/{missing}/tickets/{uuid.uuid4()}")
    assert response.status_code == 404
