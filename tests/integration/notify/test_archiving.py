"""Endpoints are archived; one that subscriptions or pending deliveries use is refused."""

import uuid
from typing import Any

import asyncpg
import pytest

from tests.integration.notify.conftest import (
    T0,
    FakeClock,
    NotifyHarness,
    Receiver,
    api_client,
    fan_out,
    notify_settings,
)
from tests.integration.notify.events import breached

pytestmark = pytest.mark.integration


async def snapshot(pool: asyncpg.Pool) -> list[Any]:
    async with pool.acquire() as conn:
        return [
            [dict(r) for r in await conn.fetch(f"SELECT * FROM {table} ORDER BY 1")]
            for table in ("endpoints", "endpoint_secrets", "subscriptions", "deliveries")
        ]


async def test_endpoint_in_use_is_refused_then_archived(
    notify: NotifyHarness, notify_pool: asyncpg.Pool, receiver: Receiver
) -> None:
    clock = FakeClock(T0)
    async with api_client(notify, notify_settings(), clock) as api:
        endpoint = (await api.post("/endpoints", json={"url": receiver.url()})).json()
        path = f"/endpoints/{endpoint['id']}"
        [subscription] = (
            await api.get("/subscriptions", params={"endpoint_id": endpoint["id"]})
        ).json()["items"]
        before = await snapshot(notify_pool)
        subscribed = await api.delete(path)
        assert await snapshot(notify_pool) == before

        await fan_out(notify_pool, breached(uuid.uuid4()), now=clock.now)
        await api.delete(f"/subscriptions/{subscription['id']}")
        [delivery] = (await api.get("/deliveries", params={"endpoint_id": endpoint["id"]})).json()[
            "items"
        ]
        before = await snapshot(notify_pool)
        pending = await api.delete(path)
        assert await snapshot(notify_pool) == before

        await api.patch(path, json={"enabled": False})
        archived = await api.delete(path)
        held_back = (await api.get(f"/deliveries/{delivery['id']}")).json()
        read = await api.get(path)
        again = await api.delete(path)
        patched = await api.patch(path, json={"description": "x"})
        listed = (await api.get("/endpoints")).json()["items"]
        resubscribed = await api.post(
            "/subscriptions", json={"target": {"kind": "endpoint", "endpoint_id": endpoint["id"]}}
        )
        unknown = await api.delete(f"/endpoints/{uuid.uuid4()}")
    assert subscribed.status_code == 409
    assert subscribed.headers["content-type"] == "application/problem+json"
    assert subscribed.json()["used_by"] == [
        {"kind": "subscription", "count": 1, "ids": [subscription["id"]]}
    ]
    assert pending.status_code == 409
    assert pending.json()["used_by"] == [
        {"kind": "pending_delivery", "count": 1, "ids": [delivery["id"]]}
    ]
    assert archived.status_code == 204
    assert (held_back["status"], held_back["last_error"]) == ("failed", "endpoint archived")
    assert (read.status_code, again.status_code, patched.status_code) == (404, 404, 404)
    assert listed == []
    assert resubscribed.status_code == 422
    assert unknown.status_code == 404
    async with notify_pool.acquire() as conn:
        secrets = await conn.fetchval(
            "SELECT count(*) FROM endpoint_secrets WHERE endpoint_id = $1",
            uuid.UUID(endpoint["id"]),
        )
    assert secrets == 0


async def test_an_idle_endpoint_without_subscriptions_is_archived_at_once(
    notify: NotifyHarness, notify_pool: asyncpg.Pool, receiver: Receiver
) -> None:
    async with api_client(notify, notify_settings(), FakeClock(T0)) as api:
        created = await api.post("/endpoints", json={"url": receiver.url(), "subscribe": False})
        endpoint: dict[str, Any] = created.json()
        assert (await api.delete(f"/endpoints/{endpoint['id']}")).status_code == 204
        assert (await api.get(f"/endpoints/{endpoint['id']}")).status_code == 404
