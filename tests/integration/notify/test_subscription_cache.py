"""Fan-out's cached subscriptions follow every change at once, whichever replica made it: a
new subscription, a disabled endpoint and a deleted subscription each count for the very next
event; a redelivered event is told once."""

import uuid

import asyncpg
import pytest
from pydantic import AnyHttpUrl

from tests.integration.notify.conftest import NotifyHarness
from tests.integration.notify.events import assigned, created
from ticketflow_common.db import create_pool
from ticketflow_notify.domain.endpoints import NewEndpoint
from ticketflow_notify.domain.subscriptions import NewSubscription
from ticketflow_notify.store.endpoints import insert_endpoint
from ticketflow_notify.store.subscriptions import insert_subscription

pytestmark = pytest.mark.integration


async def add_endpoint(pool: asyncpg.Pool, path: str) -> uuid.UUID:
    """A webhook endpoint (which subscribes it to its event types) also subscribed to
    `ticket.*`; the endpoint's id."""
    subscription_id = uuid.uuid4()
    async with pool.acquire() as conn, conn.transaction():
        endpoint = await insert_endpoint(
            conn=conn,
            endpoint_id=uuid.uuid4(),
            new=NewEndpoint(url=AnyHttpUrl(f"http://127.0.0.1:9/{path}")),
            secret=f"whsec_{path}-{uuid.uuid4().hex}",
        )
        await insert_subscription(
            conn=conn,
            subscription_id=subscription_id,
            new=NewSubscription.model_validate(
                {
                    "event_types": ["ticket.*"],
                    "target": {"kind": "endpoint", "endpoint_id": str(endpoint.id)},
                }
            ),
        )
    return endpoint.id


async def targets_of(pool: asyncpg.Pool, event_id: uuid.UUID) -> set[str]:
    rows = await pool.fetch(
        "SELECT e.url FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id"
        " WHERE d.event_id = $1",
        event_id,
    )
    return {r["url"].rsplit("/", 1)[-1] for r in rows}


async def test_changes_by_another_replica_count_for_the_next_event(
    notify: NotifyHarness, database_url: str
) -> None:
    await add_endpoint(notify.pool, "a")
    first = created(uuid.uuid4())
    assert await notify.deliver(first) != "duplicate"
    assert await targets_of(notify.pool, first.id) == {"a"}

    other = await create_pool(dsn=database_url, schema=notify.schema, max_size=1)
    try:  # another replica's pool changes what matches; this replica's cache must follow
        b = await add_endpoint(other, "b")
        second = assigned(uuid.uuid4())
        await notify.deliver(second)
        assert await targets_of(notify.pool, second.id) == {"a", "b"}

        await other.execute("UPDATE endpoints SET enabled = false WHERE url LIKE '%/a'")
        third = created(uuid.uuid4())
        await notify.deliver(third)
        assert await targets_of(notify.pool, third.id) == {"b"}

        await other.execute("DELETE FROM subscriptions WHERE endpoint_id = $1", b)
        fourth = created(uuid.uuid4())
        await notify.deliver(fourth)
        assert await targets_of(notify.pool, fourth.id) == set()
    finally:
        await other.close()

    assert await notify.deliver(second) == "duplicate"
    count = await notify.pool.fetchval(
        "SELECT count(*) FROM deliveries WHERE event_id = $1", second.id
    )
    assert count == 2
