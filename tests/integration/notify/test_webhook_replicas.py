"""Three dispatchers share one queue of deliveries: each delivered once, limits respected."""

import asyncio
import json
import random
import uuid
from datetime import UTC, datetime

import asyncpg
import pytest
from pydantic import AnyHttpUrl

from tests.integration.notify.conftest import Receiver, build_dispatcher, fan_out
from tests.integration.notify.events import breached, created
from tests.polling import eventually
from ticketflow_common.clock import system_clock
from ticketflow_common.db import create_pool
from ticketflow_notify.adapters.http_sender import new_session
from ticketflow_notify.domain.endpoints import NewEndpoint
from ticketflow_notify.domain.signing import verify
from ticketflow_notify.store.endpoints import insert_endpoint

pytestmark = pytest.mark.integration

EVENTS = 150
ENDPOINT_LIMIT = 3


async def test_three_replicas_deliver_each_once_within_the_endpoint_limit(
    notify_pool: asyncpg.Pool, database_url: str, receiver: Receiver
) -> None:
    receiver.latency = 0.002
    secrets: dict[str, str] = {}
    async with notify_pool.acquire() as conn:
        for path in ("a", "b"):
            endpoint = await insert_endpoint(
                conn=conn,
                endpoint_id=uuid.uuid4(),
                new=NewEndpoint(url=AnyHttpUrl(receiver.url(path)), max_concurrency=ENDPOINT_LIMIT),
                secret=f"whsec_{path}-{uuid.uuid4().hex}",
            )
            assert endpoint.secret is not None
            secrets[path] = endpoint.secret
    now = datetime.now(UTC)
    for _ in range(EVENTS):
        ticket = uuid.uuid4()
        event = random.choice([created(ticket), breached(ticket)])
        assert await fan_out(notify_pool, event, now=now) == 2

    schema = await notify_pool.fetchval("SELECT current_schema()")
    pools = [await create_pool(dsn=database_url, schema=schema, max_size=6) for _ in range(3)]
    stop = asyncio.Event()
    async with new_session() as http:
        replicas = [
            asyncio.create_task(
                build_dispatcher(pool, http, clock=system_clock, concurrency=8).run(
                    stop, max_idle_seconds=0.05
                )
            )
            for pool in pools
        ]

        async def all_delivered() -> bool:
            pending = await notify_pool.fetchval(
                "SELECT count(*) FROM deliveries WHERE status <> 'delivered'"
            )
            return bool(pending == 0)

        await eventually(all_delivered, what="every delivery to be made", within=60)
        stop.set()
        await asyncio.gather(*replicas)
    for pool in pools:
        await pool.close()

    per_delivery = receiver.per_delivery()
    assert len(per_delivery) == EVENTS * 2
    assert set(per_delivery.values()) == {1}, "a delivery reached the receiver twice"
    assert max(receiver.max_in_flight.values()) <= ENDPOINT_LIMIT
    for request in receiver.received:
        assert verify(
            secret=secrets[request.path],
            header=request.headers["ticketflow-signature"],
            body=request.body,
            now=int(datetime.now(UTC).timestamp()),
        )
        assert json.loads(request.body)["specversion"] == "1.0"
    attempts = await notify_pool.fetchval("SELECT count(*) FROM delivery_attempts")
    assert attempts == EVENTS * 2
