"""Teams and agents are archived, never deleted; one still in use is refused, naming the use."""

import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from tests.integration.routing.conftest import FakeIntake, owner_of

pytestmark = pytest.mark.integration


async def new_agent(api: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    created = await api.post(
        "/agents", json={"name": "Ann", "team": "net", "skills": ["vpn"], "capacity": 2, **fields}
    )
    assert created.status_code == 201, created.text
    result: dict[str, Any] = created.json()
    return result


async def team_events(pool: asyncpg.Pool, team: str) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT payload FROM outbox WHERE key = $1 AND event_type = 'team.changed' ORDER BY id",
            team,
        )
    return [r["payload"]["data"] for r in rows]


async def snapshot(pool: asyncpg.Pool) -> list[Any]:
    async with pool.acquire() as conn:
        return [
            [dict(r) for r in await conn.fetch(f"SELECT * FROM {table} ORDER BY 1")]
            for table in ("teams", "agents", "assignments", "outbox")
        ]


async def test_team_and_agent_in_use_are_refused_then_archived(
    api: httpx.AsyncClient, intake: FakeIntake, routing_pool: asyncpg.Pool
) -> None:
    ann = await new_agent(api)
    assert [(e["change"], e["version"]) for e in await team_events(routing_pool, "net")] == [
        ("created", 1)
    ]
    ticket = intake.created(skills=["vpn"], team="net")
    await intake.send(ticket)
    assert await owner_of(routing_pool, ticket.ticket_id) == uuid.UUID(ann["id"])

    before = await snapshot(routing_pool)
    team_refused = await api.delete("/teams/net")
    agent_refused = await api.delete(f"/agents/{ann['id']}")
    assert team_refused.status_code == 409
    assert team_refused.headers["content-type"] == "application/problem+json"
    assert team_refused.json()["used_by"] == [
        {"kind": "agent", "count": 1, "ids": [ann["id"]]},
        {"kind": "open_ticket", "count": 1, "ids": [str(ticket.ticket_id)]},
    ]
    assert agent_refused.status_code == 409
    assert agent_refused.json()["used_by"] == [
        {"kind": "open_ticket", "count": 1, "ids": [str(ticket.ticket_id)]}
    ]
    assert str(ticket.ticket_id) in agent_refused.json()["detail"]
    assert await snapshot(routing_pool) == before

    intake.tick()
    await intake.send(intake.status(ticket.ticket_id, "resolved"))
    assert (await api.delete(f"/agents/{ann['id']}")).status_code == 204
    assert (await api.get(f"/agents/{ann['id']}")).status_code == 404
    assert (await api.delete(f"/agents/{ann['id']}")).status_code == 404
    assert (await api.get("/agents")).json()["items"] == []
    gone_status = await api.put(f"/agents/{ann['id']}/status", json={"status": "online"})
    assert gone_status.status_code == 404

    assert (await api.delete("/teams/net")).status_code == 204
    assert (await api.get("/teams/net")).status_code == 404
    assert (await api.delete("/teams/net")).status_code == 404
    assert (await api.get("/teams")).json()["items"] == []
    joined = await api.post(
        "/agents", json={"name": "Bob", "team": "net", "skills": ["vpn"], "capacity": 1}
    )
    assert joined.status_code == 422
    assert joined.json()["errors"][0]["field"] == "teams"

    back = await api.put("/teams/net", json={"name": "Network"})
    assert back.status_code == 200
    assert back.json()["archived_at"] is None
    assert [
        (e["change"], e["archived"], e["version"]) for e in await team_events(routing_pool, "net")
    ] == [("created", False, 1), ("archived", True, 2), ("updated", False, 3)]


async def test_a_team_lead_is_refused_and_unknown_ones_are_404(api: httpx.AsyncClient) -> None:
    lead = await new_agent(api, name="Lead", team="desk")
    await api.put("/teams/net", json={"name": "Network", "lead_agent_id": lead["id"]})
    refused = await api.delete(f"/agents/{lead['id']}")
    assert refused.status_code == 409
    assert refused.json()["used_by"] == [{"kind": "led_team", "count": 1, "ids": ["net"]}]
    assert (await api.get(f"/agents/{lead['id']}")).status_code == 200
    assert (await api.delete(f"/agents/{uuid.uuid4()}")).status_code == 404
    assert (await api.delete("/teams/nobody")).status_code == 404
