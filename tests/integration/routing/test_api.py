"""Routing's HTTP API on the real Postgres: people, the decision explained, manual reassign."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.integration.routing.conftest import (
    AUTH,
    TOKEN,
    FakeIntake,
    RoutingHarness,
    routing_harness,
)
from ticketflow_common.service_main import build_app

pytestmark = pytest.mark.integration


def app_of(routing: RoutingHarness) -> FastAPI:
    return build_app(routing.spec, routing.runtime)


@pytest.fixture
async def api(routing: RoutingHarness) -> AsyncIterator[httpx.AsyncClient]:
    """Unlike conftest's `api`, sends no credential: each request adds AUTH, or goes without."""
    transport = httpx.ASGITransport(app=app_of(routing))
    async with httpx.AsyncClient(transport=transport, base_url="http://routing") as client:
        yield client


async def agent(api: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    body = {"team": "net", "skills": ["vpn"], "capacity": 2, **fields}
    created = await api.post("/agents", json=body, headers=AUTH)
    assert created.status_code == 201, created.text
    result: dict[str, Any] = created.json()
    return result


async def test_people_api_validates_and_needs_a_token(api: httpx.AsyncClient) -> None:
    assert (await api.get("/agents")).status_code == 401
    bad = await api.post(
        "/agents",
        json={
            "name": "x",
            "team": "Net Team",
            "capacity": -1,
            "time_zone": "Mars/Olympus",
            "skills": [{"name": "vpn", "proficiency": 9}],
        },
        headers=AUTH,
    )
    assert bad.status_code == 422
    fields = {e["field"].split(".")[0] for e in bad.json()["errors"]}
    assert {"team", "capacity", "time_zone", "skills"} <= fields
    assert (await api.get("/agents", headers=AUTH)).json()["items"] == []

    lead = await agent(
        api,
        name="Lead",
        email="lead@example.com",
        skills=["vpn", {"name": "ipsec", "proficiency": 5}],
        time_zone="Europe/Paris",
        shifts=[{"days": ["mon", "tue"], "start": "09:00", "end": "17:00"}],
    )
    assert {s["name"]: s["proficiency"] for s in lead["skills"]} == {"ipsec": 5, "vpn": 3}
    assert lead["next_shift_change_at"] is not None
    missing_lead = await api.put(
        "/teams/net",
        json={"name": "Network", "lead_agent_id": "00000000-0000-0000-0000-000000000001"},
        headers=AUTH,
    )
    assert missing_lead.status_code == 422
    assert missing_lead.json()["errors"][0]["field"] == "lead_agent_id"
    team = await api.put(
        "/teams/net",
        json={"name": "Network", "lead_agent_id": lead["id"], "strategy": "least_loaded"},
        headers=AUTH,
    )
    assert team.status_code == 200, team.text
    assert team.json()["lead_email"] == "lead@example.com"
    patched = await api.patch(f"/agents/{lead['id']}", json={"capacity": 4}, headers=AUTH)
    assert patched.json()["capacity"] == 4
    status = await api.put(f"/agents/{lead['id']}/status", json={"status": "busy"}, headers=AUTH)
    assert status.status_code == 422


async def test_routing_decision_is_shown_and_can_be_overridden(
    api: httpx.AsyncClient, intake: FakeIntake
) -> None:
    lead = await agent(api, name="Lead", email="lead@example.com")
    await api.put("/teams/net", json={"name": "Net", "lead_agent_id": lead["id"]}, headers=AUTH)
    other = await agent(api, name="Other", skills=[{"name": "vpn", "proficiency": 5}])
    ticket = intake.created(skills=["vpn"], team="net")
    await intake.send(ticket)

    shown = (await api.get(f"/tickets/{ticket.ticket_id}/routing", headers=AUTH)).json()
    owner = shown["owner"]["agent_id"]
    assert owner == other["id"]  # more proficient
    [decision] = shown["decisions"]
    assert decision["kind"] == "assigned"
    assert decision["detail"]["score"]["agent_id"] == owner
    assert [a["agent_id"] for a in decision["detail"]["alternatives"]] == [lead["id"]]
    assert shown["owner"]["pickup_due_at"] is not None

    moved = await api.post(
        f"/tickets/{ticket.ticket_id}/assignment", json={"agent_id": lead["id"]}, headers=AUTH
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["agent_id"] == lead["id"]
    back = await api.post(f"/tickets/{ticket.ticket_id}/assignment", json={}, headers=AUTH)
    assert back.json()["agent_id"] == other["id"]
    kinds = [
        d["kind"]
        for d in (await api.get(f"/tickets/{ticket.ticket_id}/routing", headers=AUTH)).json()[
            "decisions"
        ]
    ]
    assert kinds == ["assigned", "unassigned", "assigned", "unassigned", "assigned"]

    await api.put(f"/agents/{lead['id']}/status", json={"status": "offline"}, headers=AUTH)
    refused = await api.post(f"/tickets/{ticket.ticket_id}/assignment", json={}, headers=AUTH)
    assert refused.status_code == 409
    still = (await api.get(f"/tickets/{ticket.ticket_id}/routing", headers=AUTH)).json()
    assert still["owner"]["agent_id"] == other["id"]
    unknown = await api.get("/tickets/00000000-0000-0000-0000-000000000009/routing", headers=AUTH)
    assert unknown.status_code == 404


async def test_failed_authentications_are_limited_per_address(
    routing: RoutingHarness, kafka_bootstrap: str
) -> None:
    limited = routing_harness(
        routing.pool,
        routing.schema,
        kafka_bootstrap=kafka_bootstrap,
        auth_failure_limit=2,
        auth_failure_window_seconds=600,
    )
    app = app_of(limited)

    async def get(address: str, token: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://routing") as client:
            return await client.get("/agents", headers={"Authorization": f"Bearer {token}"})

    attacker = "2001:db8:1:2::7"
    answers = [await get(attacker, f"guess-{i}-0123456789abcdef") for i in range(3)]
    same_machine = await get("2001:db8:1:2::99", TOKEN)
    neighbour = await get("2001:db8:1:3::7", TOKEN)

    assert [a.status_code for a in answers] == [401, 401, 429]
    assert answers[0].headers["ratelimit"].startswith('"failed-auth";r=1;')
    assert same_machine.status_code == 429, "the same /64, and a correct token is refused too"
    assert same_machine.headers["ratelimit-policy"] == '"failed-auth";q=2;w=600'
    assert int(same_machine.headers["retry-after"]) > 290
    assert neighbour.status_code == 200
    assert "ratelimit" not in neighbour.headers, "routing limits failures only"
