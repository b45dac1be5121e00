"""Replicas claiming for one endpoint at once never lease more than its concurrency limit."""

import asyncio
import uuid
from datetime import UTC, datetime

import asyncpg
import pytest
from pydantic import AnyHttpUrl

from tests.integration.notify.conftest import fan_out
from tests.integration.notify.events import created
from ticketflow_common.db import create_pool
from ticketflow_notify.commands.claims import claim_due
from ticketflow_notify.domain.claims import ClaimPolicy
from ticketflow_notify.domain.endpoints import NewEndpoint
from ticketflow_notify.store.endpoints import insert_endpoint

pytestmark = pytest.mark.integration

LIMIT = 2
DELIVERIES = 300
CLAIMERS = 4
POLICY = ClaimPolicy(lease_seconds=60, failure_threshold=5)


async def test_concurrent_claims_keep_an_endpoint_within_its_limit(
    notify_pool: asyncpg.Pool, database_url: str
) -> None:
    async with notify_pool.acquire() as conn:
        await insert_endpoint(
            conn=conn,
            endpoint_id=uuid.uuid4(),
            new=NewEndpoint(url=AnyHttpUrl("http://127.0.0.1:9/hook"), max_concurrency=LIMIT),
            secret=f"whsec_{uuid.uuid4().hex}",
        )
    now = datetime.now(UTC)
    for _ in range(DELIVERIES):
        assert await fan_out(notify_pool, created(uuid.uuid4()), now=now) == 1

    schema = await notify_pool.fetchval("SELECT current_schema()")
    pool = await create_pool(dsn=database_url, schema=schema, max_size=CLAIMERS + 1)
    in_flight = 0
    most_in_flight = 0
    delivered = 0

    async def claimer() -> None:
        """Claim, hold the lease a moment, finish it: the count drops before a lease ends in
        the database and rises after one begins, so it never counts more than are leased."""
        nonlocal in_flight, most_in_flight, delivered
        while delivered < DELIVERIES:
            async with pool.acquire() as conn:
                claimed = await claim_due(conn=conn, now=datetime.now(UTC), limit=5, policy=POLICY)
            in_flight += len(claimed)
            most_in_flight = max(most_in_flight, in_flight)
            await asyncio.sleep(0)
            for item in claimed:
                in_flight -= 1
                async with pool.acquire() as conn:
                    await conn.execute(
                        "UPDATE deliveries SET status = 'delivered', lease_expires_at = NULL,"
                        " next_attempt_at = NULL WHERE id = $1",
                        item.delivery.id,
                    )
                delivered += 1

    try:
        await asyncio.wait_for(asyncio.gather(*(claimer() for _ in range(CLAIMERS))), 120)
    finally:
        await pool.close()
    assert delivered == DELIVERIES
    assert most_in_flight == LIMIT, f"{most_in_flight} leased at once, the limit is {LIMIT}"
