"""A lead manages only the agents of their teams; an agent sets only their own status (#17)."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from tests.integration.routing.conftest import T0, routing_harness
from tests.support.identity_tokens import IDENTITY_SETTINGS, access_token, bearer
from ticketflow_common.service_main import build_app

pytestmark = pytest.mark.integration
TEAM, OTHER = "network", "service-desk"
ADMIN = bearer(access_token("admin", now=T0))


@pytest.fixture
async def api(
    routing_schema: tuple[asyncpg.Pool, str], kafka_bootstrap: str
) -> AsyncIterator[httpx.AsyncClient]:
    pool, schema = routing_schema
    harness = routing_harness(pool, schema, kafka_bootstrap=kafka_bootstrap, **IDENTITY_SETTINGS)
    transport = httpx.ASGITransport(app=build_app(harness.spec, harness.runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://routing") as client:
        yield client


def lead_of(team: str) -> dict[str, str]:
    return bearer(access_token("lead", agent_id=uuid.uuid4(), teams=[team], now=T0))


async def agent_in(api: httpx.AsyncClient, team: str) -> dict[str, Any]:
    created = await api.post(
        "/agents", json={"name": "A", "team": team, "capacity": 5}, headers=ADMIN
    )
    assert created.status_code == 201, created.text
    found: dict[str, Any] = created.json()
    return found


async def test_a_lead_manages_the_agents_of_their_teams_only(api: httpx.AsyncClient) -> None:
    mine, theirs = await agent_in(api, TEAM), await agent_in(api, OTHER)
    lead = lead_of(TEAM)

    placed = await api.post(
        "/agents", json={"name": "B", "team": OTHER, "capacity": 5}, headers=lead
    )
    assert placed.status_code == 403
    assert (
        await api.post("/agents", json={"name": "B", "team": TEAM, "capacity": 5}, headers=lead)
    ).status_code == 201
    status = {"status": "online"}
    assert (
        await api.put(f"/agents/{theirs['id']}/status", json=status, headers=lead)
    ).status_code == 403
    assert (
        await api.patch(f"/agents/{theirs['id']}", json={"capacity": 3}, headers=lead)
    ).status_code == 403
    moved = await api.patch(f"/agents/{mine['id']}", json={"teams": [OTHER]}, headers=lead)
    assert moved.status_code == 403
    assert (await api.delete(f"/agents/{theirs['id']}", headers=lead)).status_code == 403
    assert (
        await api.put(f"/agents/{mine['id']}/status", json=status, headers=lead)
    ).status_code == 200
    assert (
        await api.patch(f"/agents/{mine['id']}", json={"capacity": 3}, headers=lead)
    ).status_code == 200


async def test_an_agent_sets_their_own_status_only(api: httpx.AsyncClient) -> None:
    me, colleague = await agent_in(api, TEAM), await agent_in(api, TEAM)
    token = bearer(access_token("agent", agent_id=uuid.UUID(me["id"]), teams=[TEAM], now=T0))
    status = {"status": "online"}
    own = await api.put(f"/agents/{me['id']}/status", json=status, headers=token)
    assert own.status_code == 200, own.text
    other = await api.put(f"/agents/{colleague['id']}/status", json=status, headers=token)
    assert other.status_code == 403
    assert other.json()["role"] == "agent"
    assert (
        await api.patch(f"/agents/{me['id']}", json={"capacity": 9}, headers=token)
    ).status_code == 403
