"""GET /at-risk: likeliest first with reasons; admins see all, leads their teams, agents the
tickets they own; bad input is a 4xx naming the field."""

import uuid
from collections.abc import AsyncIterator

import pytest

from tests.integration.paging import assert_bad_cursor_refused, walk_pages
from tests.support.insights_risk import AGENT, LEAD, RiskHarness, risk_harness
from ticketflow_common.pagination import encode_cursor
from ticketflow_insights.commands.breach_risk import assess_open_tickets
from ticketflow_insights.domain.access import ADMIN, Viewer

OTHER_LEAD = uuid.UUID("00000000-0000-0000-0000-0000000000b2")
OTHER_AGENT = uuid.UUID("00000000-0000-0000-0000-0000000000b3")


@pytest.fixture
async def risk(database_url: str, kafka_bootstrap: str) -> AsyncIterator[RiskHarness]:
    async with risk_harness(database_url, kafka_bootstrap) as harness:
        yield harness


async def assessed_desk(risk: RiskHarness) -> dict[str, uuid.UUID]:
    """network: a deep queued ticket and one owned by AGENT about to breach; billing: one
    deep queued ticket; a safe network ticket far from its deadline."""
    for team, lead in (("network", LEAD), ("billing", OTHER_LEAD)):
        await risk.team(team, lead=lead)
        await risk.resolved_history(team, count=20, handle_minutes=20)
        for i in range(4):
            await risk.open_ticket(team, queued_minutes_ago=60 - i)
    await risk.agent(AGENT, teams=["network"], email="ana@example.com")
    await risk.agent(OTHER_AGENT, teams=["billing"], email="bo@example.com")
    tickets = {
        "deep": await risk.open_ticket("network", queued_minutes_ago=5),
        "owned": await risk.open_ticket("network", assignee=AGENT),
        "billing": await risk.open_ticket("billing", queued_minutes_ago=5),
        "safe": await risk.open_ticket("network", assignee=AGENT),
    }
    await risk.clock_for(tickets["deep"], team="network", due_in_minutes=30)
    await risk.clock_for(
        tickets["owned"], team="network", due_in_minutes=0.5, started_minutes_ago=29
    )
    await risk.clock_for(tickets["billing"], team="billing", due_in_minutes=30)
    await risk.clock_for(tickets["safe"], team="network", due_in_minutes=600, metric="resolution")
    async with risk.pool.acquire() as conn:
        await assess_open_tickets(conn=conn, now=risk.clock(), threshold=0.5)
    return tickets


async def listed(risk: RiskHarness, viewer: Viewer, query: str = "") -> list[dict[str, object]]:
    async with risk.client_as(viewer) as client:
        response = await client.get(f"/at-risk{query}")
    assert response.status_code == 200, response.text
    found: list[dict[str, object]] = response.json()["items"]
    return found


async def test_admin_sees_every_team_likeliest_first(risk: RiskHarness) -> None:
    tickets = await assessed_desk(risk)

    found = await listed(risk, ADMIN)

    ids = [uuid.UUID(str(r["ticket_id"])) for r in found]
    assert set(ids) == {tickets["deep"], tickets["owned"], tickets["billing"]}
    probabilities = [float(str(r["probability"])) for r in found]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(r["reasons"] for r in found)
    assert {r["team"] for r in await listed(risk, ADMIN, "?team=billing")} == {"billing"}
    everything = await listed(risk, ADMIN, "?min_probability=0")
    assert tickets["safe"] in {uuid.UUID(str(r["ticket_id"])) for r in everything}


async def test_the_list_walks_likeliest_first_then_soonest_due(risk: RiskHarness) -> None:
    await assessed_desk(risk)
    params = {"min_probability": "0"}

    async with risk.client_as(ADMIN) as client:
        walked = await walk_pages(
            client, "/at-risk", key=lambda r: r["clock_id"], params=params, limit=1
        )
        whole = (await client.get("/at-risk", params={**params, "limit": "200"})).json()
        await assert_bad_cursor_refused(client, "/at-risk")
        first = walked[0]
        another_lists = encode_cursor(  # the reports' kind, shaped like an at-risk position
            "insights.reports",
            {
                "probability": first["probability"],
                "due_at": first["due_at"],
                "id": first["clock_id"],
            },
        )
        refused = await client.get("/at-risk", params={"cursor": another_lists})

    assert refused.status_code == 422, refused.text
    assert whole["next_cursor"] is None
    assert walked == whole["items"]
    assert len(walked) == 4  # the desk's four running clocks, one a page
    order = [(-float(str(r["probability"])), str(r["due_at"]), str(r["clock_id"])) for r in walked]
    assert order == sorted(order)


async def test_a_lead_sees_their_team_and_not_another(risk: RiskHarness) -> None:
    await assessed_desk(risk)
    lead = Viewer(role="lead", agent_id=LEAD, led_teams=frozenset({"network"}))

    assert {r["team"] for r in await listed(risk, lead)} == {"network"}
    assert {r["team"] for r in await listed(risk, lead, "?team=network")} == {"network"}
    async with risk.client_as(lead) as client:
        refused = await client.get("/at-risk?team=billing")
    assert refused.status_code == 403


async def test_an_agent_sees_only_the_tickets_they_own(risk: RiskHarness) -> None:
    tickets = await assessed_desk(risk)
    agent = Viewer(role="agent", agent_id=AGENT)

    found = await listed(risk, agent)

    assert [uuid.UUID(str(r["ticket_id"])) for r in found] == [tickets["owned"]]
    assert found[0]["assignee_id"] == str(AGENT)
    assert await listed(risk, Viewer(role="agent", agent_id=OTHER_AGENT)) == []


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("?min_probability=1.5", 422, "min_probability"),
        ("?min_probability=-0.1", 422, "min_probability"),
        ("?min_probability=likely", 422, "min_probability"),
        ("?team=", 422, "team"),
        ("?team=nowhere", 404, None),
    ],
)
async def test_bad_input_is_a_4xx_naming_the_field(
    risk: RiskHarness, query: str, status: int, field: str | None
) -> None:
    await assessed_desk(risk)
    async with risk.client_as(ADMIN) as client:
        response = await client.get(f"/at-risk{query}")
    assert response.status_code == status, response.text
    if field is not None:
        assert field in response.text


async def test_the_service_token_is_required(risk: RiskHarness) -> None:
    async with risk.client("not-the-token") as client:
        response = await client.get("/at-risk")
    assert response.status_code == 401
