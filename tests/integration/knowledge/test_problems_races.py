"""Requests racing on one problem: the row lock orders them, so a link is made once, a problem
is resolved once, and a ticket linked at the same moment as the resolution is either named by
`problem.resolved` or refused."""

import asyncio
import uuid

import httpx

from tests.integration.knowledge.conftest import KnowledgeHarness
from tests.integration.knowledge.problem_steps import events_of, known_error, link, new_problem


async def test_the_same_link_made_at_once_is_made_once(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    problem_id = (await new_problem(api))["problem_id"]
    ticket_id = uuid.uuid4()
    answers = await asyncio.gather(*(link(api, problem_id, ticket_id) for _ in range(4)))
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 201]
    rows = await knowledge.fetch(
        "SELECT ticket_id FROM problem_tickets WHERE problem_id = $1", uuid.UUID(problem_id)
    )
    assert len(rows) == 1


async def test_resolving_at_once_announces_once(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    problem_id = (await new_problem(api))["problem_id"]
    await known_error(api, problem_id)
    fix = {"permanent_fix": "更换交换机。"}
    answers = await asyncio.gather(
        *(api.post(f"/problems/{problem_id}/resolve", json=fix) for _ in range(3))
    )
    assert sorted(a.status_code for a in answers) == [200, 409, 409]
    assert len(await events_of(knowledge, problem_id, "problem.resolved")) == 1


async def test_a_ticket_linked_while_resolving_is_announced_or_refused(
    knowledge: KnowledgeHarness, api: httpx.AsyncClient
) -> None:
    problem_id = (await new_problem(api))["problem_id"]
    ticket_id = uuid.uuid4()
    linked, resolved = await asyncio.gather(
        link(api, problem_id, ticket_id),
        api.post(f"/problems/{problem_id}/resolve", json={"permanent_fix": "已修复"}),
    )
    assert resolved.status_code == 200
    (event,) = await events_of(knowledge, problem_id, "problem.resolved")
    if linked.status_code == 201:
        assert event["ticket_ids"] == [str(ticket_id)]
    else:
        assert linked.status_code == 409
        assert event["ticket_ids"] == []
