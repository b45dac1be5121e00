"""Routing's HTTP semantics: authentication before the body, 413, HEAD, field-named errors."""

from collections.abc import AsyncIterator

import pytest

from tests.integration.http_semantics import CHECKS, Check, Http, Target, http_for
from tests.integration.routing.conftest import TOKEN, RoutingHarness

pytestmark = pytest.mark.integration


@pytest.fixture
async def http(routing: RoutingHarness) -> AsyncIterator[Http]:
    http = http_for(routing.spec, routing.runtime, TOKEN)
    async with http.client:
        yield http


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
async def test_shared_http_semantics(http: Http, check: Check) -> None:
    created = await http.client.post(
        "/agents", json={"name": "Ada", "team": "net", "capacity": 2}, headers=http.auth
    )
    assert created.status_code == 201, created.text
    await check(http, Target(("POST", "/agents"), "/agents"))
    await check(http, Target(("PUT", "/teams/net"), f"/agents/{created.json()['id']}"))


async def test_errors_name_the_field_path_not_the_schema_of_a_union_member(http: Http) -> None:
    """`skills` items are a name or {name, proficiency}: the path is where the input is wrong."""
    bad = await http.client.post(
        "/agents",
        json={"name": "x", "team": "net", "skills": ["vpn", {"name": "ipsec", "proficiency": "q"}]},
        headers=http.auth,
    )
    assert bad.status_code == 422, bad.text
    fields = {e["field"] for e in bad.json()["errors"]}
    assert "skills.1.proficiency" in fields, fields
    assert all("SkillLevel" not in f and "str" not in f for f in fields), fields
    missing = await http.client.post(
        "/agents",
        json={"team": "net", "capacity": 1, "skills": [{"proficiency": 3}]},
        headers=http.auth,
    )
    fields = {e["field"] for e in missing.json()["errors"]}
    assert {"name", "skills.0.name"} <= fields, missing.text
    assert all("SkillLevel" not in f for f in fields), fields


async def test_an_unknown_path_asks_for_credentials_first(http: Http) -> None:
    assert (await http.client.get("/no-such-thing")).status_code == 401
    found = await http.client.get("/no-such-thing", headers=http.auth)
    assert found.status_code == 404
    assert found.headers["content-type"] == "application/problem+json"


async def test_head_where_only_post_is_served_is_405(http: Http) -> None:
    path = "/tickets/00000000-0000-0000-0000-000000000001/assignment"
    assert (await http.client.head(path, headers=http.auth)).status_code == 405
