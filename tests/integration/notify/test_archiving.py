"""Deleting an endpoint archives it: its subscriptions go, its pending deliveries are
cancelled, nothing is sent to it again, and it is 404 from then on."""

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
    build_dispatcher,
    drain,
    fan_out,
    notify_settings,
)
from tests.integration.notify.events import breached
from ticketflow_notify.adapters.http_sender import new_session

pytestmark = pytest.mark.integration


async def test_deleting_an_endpoint_drops_its_subscriptions_and_cancels_what_is_pending(
    notify: NotifyHarness, notify_pool: asyncpg.Pool, receiver: Receiver
) -> None:
    clock = FakeClock(T0)
    async with api_client(notify, notify_settings(), clock) as api:
        endpoint = (await api.post("/endpoints", json={"url": receiver.url()})).json()
        path = f"/endpoints/{endpoint['id']}"
        [subscription] = (
            await api.get("/subscriptions", params={"endpoint_id": endpoint["id"]})
        ).json()["items"]
        await fan_out(notify_pool, breached(uuid.uuid4()), now=clock.now)
        [delivery] = (await api.get("/deliveries", params={"endpoint_id": endpoint["id"]})).json()[
            "items"
        ]

        archived = await api.delete(path)
        cancelled = (await api.get(f"/deliveries/{delivery['id']}")).json()
        after = await fan_out(notify_pool, breached(uuid.uuid4()), now=clock.now)
        async with new_session() as http:
            attempts = await drain(build_dispatcher(notify_pool, http, clock=clock))
        read = await api.get(path)
        unsubscribed = await api.get(f"/subscriptions/{subscription['id']}")
        again = await api.delete(path)
        patched = await api.patch(path, json={"description": "x"})
        tested = await api.post(f"{path}/test")
        listed = (await api.get("/endpoints")).json()["items"]
        resubscribed = await api.post(
            "/subscriptions", json={"target": {"kind": "endpoint", "endpoint_id": endpoint["id"]}}
        )
        unknown = await api.delete(f"/endpoints/{uuid.uuid4()}")
        audited = (await api.get("/audit", params={"limit": "200"})).json()
    assert archived.status_code == 204
    assert (cancelled["status"], cancelled["last_error"]) == ("failed", "endpoint deleted")
    assert (after, attempts, receiver.received) == (0, 0, [])
    assert (read.status_code, again.status_code, patched.status_code) == (404, 404, 404)
    assert (unsubscribed.status_code, tested.status_code) == (404, 404)
    assert listed == []
    assert resubscribed.status_code == 422
    assert unknown.status_code == 404
    changes = {(a["entity"], a["entity_id"], a["action"]) for a in audited["items"]}
    assert ("notify.subscription", subscription["id"], "deleted") in changes
    assert ("notify.endpoint", endpoint["id"], "archived") in changes
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
