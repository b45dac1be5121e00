"""Hostile input to routing is a 422 naming the field, never a 500, and changes nothing."""

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from routing.main import spec
from routing.settings import RoutingSettings
from tests.integration.refusals import LONE_SURROGATE, NUL, raw_json, refused
from tests.integration.routing.conftest import POLICY
from ticketflow_common.runtime import Runtime
from ticketflow_common.topics import TopicNames
from ticketflow_common.web import create_app

pytestmark = pytest.mark.integration
TOKEN = "routing-test-token-0123456789"


@pytest.fixture
async def api(routing_pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    settings = RoutingSettings(
        database_url="postgresql://unused/unused",
        kafka_bootstrap_servers="unused:9092",
        api_token=TOKEN,
    )
    runtime = Runtime(
        service="routing", settings=settings, pool=routing_pool, producer=None, names=TopicNames()
    )
    app = create_app(runtime=runtime, title="routing", routers=spec(POLICY).routers)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://routing",
        headers={"Authorization": f"Bearer {TOKEN}"},
    ) as client:
        yield client


async def test_nul_and_lone_surrogates_in_names_are_refused(api: httpx.AsyncClient) -> None:
    agent = {"name": NUL, "team": "net", "capacity": 1}
    created = await api.post("/agents", json=agent)
    surrogate = await api.post(
        "/agents", **raw_json('{"name": <name>, "team": "net", "capacity": 1}', name=LONE_SURROGATE)
    )
    team = await api.put("/teams/net", json={"name": NUL})
    refused(created, "name")
    refused(surrogate, "name")
    refused(team, "name")
    assert (await api.get("/agents")).json() == []
    assert (await api.get("/teams")).json() == []


async def test_nul_in_a_changed_name_is_refused(api: httpx.AsyncClient) -> None:
    created = await api.post("/agents", json={"name": "Grace", "team": "net", "capacity": 1})
    agent_id = created.json()["id"]
    changed = await api.patch(f"/agents/{agent_id}", json={"name": NUL})
    refused(changed, "name")
    assert (await api.get(f"/agents/{agent_id}")).json()["name"] == "Grace"


async def test_nul_in_a_query_parameter_is_refused(api: httpx.AsyncClient) -> None:
    refused(await api.get("/agents", params={"team": NUL}), "query:team")


@pytest.mark.parametrize("offset", [2**63, 10**30])
async def test_a_huge_offset_is_refused(api: httpx.AsyncClient, offset: int) -> None:
    refused(await api.get("/agents", params={"offset": offset}), "query:offset")
