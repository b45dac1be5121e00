"""Routing's lists walk to their end in small pages, each item once, in keyset order."""

import httpx
import pytest

from tests.integration.paging import assert_bad_cursor_refused, walk_pages
from tests.integration.routing.conftest import FakeIntake

pytestmark = pytest.mark.integration


async def test_agents_teams_and_a_queue_walk_to_the_end(
    api: httpx.AsyncClient, intake: FakeIntake
) -> None:
    for n in range(5):
        assert (await api.put(f"/teams/t{n}", json={"name": f"团队 {n}"})).status_code == 200
        agent = {"name": f"A{n}", "team": "t0", "capacity": 1, "status": "offline"}
        assert (await api.post("/agents", json=agent)).status_code == 201
    tickets = [intake.created(team="t1", priority=p) for p in ["low", "urgent"] * 3]
    for ticket in tickets:  # one clock reading: the ticket id breaks the tie
        await intake.send(ticket)

    agents = await walk_pages(api, "/agents", key=lambda a: a["id"], params={"team": "t0"})
    assert [a["name"] for a in agents] == [f"A{n}" for n in range(5)]
    teams = await walk_pages(api, "/teams", key=lambda t: t["id"])
    assert [t["id"] for t in teams] == [f"t{n}" for n in range(5)]
    queue = await walk_pages(api, "/teams/t1/queue", key=lambda q: q["ticket_id"])
    assert {q["ticket_id"] for q in queue} == {str(t.ticket_id) for t in tickets}
    assert [q["position"] for q in queue] == list(range(1, 7))
    assert [q["priority"] for q in queue] == ["urgent"] * 3 + ["low"] * 3
    for path in ("/agents", "/teams", "/teams/t1/queue"):
        await assert_bad_cursor_refused(api, path)
