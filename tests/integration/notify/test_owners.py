"""Integrators see and change only their own endpoints and subscriptions; admins all (#17)."""

from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import pytest

from tests.integration.notify.conftest import notify_settings
from tests.support.clock import FakeClock
from tests.support.harness import harness_runtime
from tests.support.identity_tokens import IDENTITY_SETTINGS, access_token, bearer
from tests.support.schemas import fresh_schema
from ticketflow_common.service_main import build_app
from ticketflow_notify.main import SPEC

pytestmark = pytest.mark.integration
HOOK = "http://127.0.0.1:9/hook"
NOW = datetime.fromisoformat("2026-05-04T09:00:00+00:00")


@pytest.fixture
async def api(database_url: str, kafka_bootstrap: str) -> AsyncIterator[httpx.AsyncClient]:
    """Notify with identity configured: callers are the tokens' principals."""
    async with fresh_schema(database_url, "notify") as (pool, _schema):
        runtime = harness_runtime(
            service="notify",
            settings=notify_settings(**IDENTITY_SETTINGS),
            pool=pool,
            clock=FakeClock(NOW),
            kafka_bootstrap=kafka_bootstrap,
        )
        transport = httpx.ASGITransport(app=build_app(SPEC, runtime))
        async with httpx.AsyncClient(transport=transport, base_url="http://notify") as client:
            yield client


def integrator(name: str) -> dict[str, str]:
    return bearer(access_token("integrator", subject=name, now=NOW))


ADMIN = bearer(access_token("admin", subject="ops", now=NOW))


async def test_an_integrator_sees_and_changes_only_its_own_endpoints(
    api: httpx.AsyncClient,
) -> None:
    mine = (await api.post("/endpoints", json={"url": HOOK}, headers=integrator("a"))).json()
    theirs = (await api.post("/endpoints", json={"url": HOOK}, headers=integrator("b"))).json()

    listed = (await api.get("/endpoints", headers=integrator("a"))).json()["items"]
    assert [e["id"] for e in listed] == [mine["id"]]
    assert {e["id"] for e in (await api.get("/endpoints", headers=ADMIN)).json()["items"]} == {
        mine["id"],
        theirs["id"],
    }
    other = f"/endpoints/{theirs['id']}"
    assert (await api.get(other, headers=integrator("a"))).status_code == 404
    changed = await api.patch(other, json={"description": "x"}, headers=integrator("a"))
    assert changed.status_code == 404
    assert (await api.delete(other, headers=integrator("a"))).status_code == 404
    rotated = await api.post(f"{other}/secrets", json={}, headers=integrator("a"))
    assert rotated.status_code == 404
    assert (await api.post(f"{other}/test", headers=integrator("a"))).status_code == 404
    tested = await api.post(f"/endpoints/{mine['id']}/test", headers=integrator("a"))
    assert tested.status_code == 202
    assert (await api.get(f"/endpoints/{mine['id']}", headers=integrator("a"))).status_code == 200
    assert (await api.get(other, headers=ADMIN)).status_code == 200


async def test_an_integrator_subscribes_only_its_own_endpoints(api: httpx.AsyncClient) -> None:
    mine = (
        await api.post(
            "/endpoints", json={"url": HOOK, "subscribe": False}, headers=integrator("a")
        )
    ).json()
    theirs = (
        await api.post(
            "/endpoints", json={"url": HOOK, "subscribe": False}, headers=integrator("b")
        )
    ).json()

    def to(endpoint: dict[str, str]) -> dict[str, object]:
        return {"target": {"kind": "endpoint", "endpoint_id": endpoint["id"]}}

    refused = await api.post("/subscriptions", json=to(theirs), headers=integrator("a"))
    assert refused.status_code == 422
    made = await api.post("/subscriptions", json=to(mine), headers=integrator("a"))
    assert made.status_code == 201, made.text
    theirs_sub = await api.post("/subscriptions", json=to(theirs), headers=integrator("b"))

    listed = (await api.get("/subscriptions", headers=integrator("a"))).json()["items"]
    assert [s["id"] for s in listed] == [made.json()["id"]]
    other = f"/subscriptions/{theirs_sub.json()['id']}"
    assert (await api.get(other, headers=integrator("a"))).status_code == 404
    assert (await api.delete(other, headers=integrator("a"))).status_code == 404
    assert len((await api.get("/subscriptions", headers=ADMIN)).json()["items"]) == 2
    assert (await api.delete(other, headers=ADMIN)).status_code == 204
