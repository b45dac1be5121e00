"""Hostile input to routing is a 422 naming the field, never a 500, and changes nothing."""

import httpx
import pytest

from tests.integration.refusals import LONE_SURROGATE, NUL, raw_json, refused

pytestmark = pytest.mark.integration


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
    assert (await api.get("/agents")).json()["items"] == []
    assert (await api.get("/teams")).json()["items"] == []


async def test_nul_in_a_changed_name_is_refused(api: httpx.AsyncClient) -> None:
    created = await api.post("/agents", json={"name": "Grace", "team": "net", "capacity": 1})
    agent_id = created.json()["id"]
    changed = await api.patch(f"/agents/{agent_id}", json={"name": NUL})
    refused(changed, "name")
    assert (await api.get(f"/agents/{agent_id}")).json()["name"] == "Grace"


async def test_nul_in_a_query_parameter_is_refused(api: httpx.AsyncClient) -> None:
    refused(await api.get("/agents", params={"team": NUL}), "query:team")


@pytest.mark.parametrize("limit", [2**63, 10**30])
async def test_a_huge_limit_is_refused(api: httpx.AsyncClient, limit: int) -> None:
    refused(await api.get("/agents", params={"limit": limit}), "query:limit")


@pytest.mark.parametrize("cursor", ["x", "eyJraW5kIjoicm91dGluZy5hZ2VudHMiLCJhdCI6MX0", NUL])
async def test_a_forged_cursor_is_refused(api: httpx.AsyncClient, cursor: str) -> None:
    refused(await api.get("/agents", params={"cursor": cursor}), "query:cursor")
