"""The shared rate-limit table on the real Postgres: replicas together get one burst, the
SQL follows the pure rule, and pruning deletes only what a missing row would mean."""

import asyncio
import random
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from tests.integration.conftest import Schema
from tests.polling import eventually
from ticketflow_common.db import create_pool
from ticketflow_common.rate_limit import RatePolicy, decide
from ticketflow_common.rate_limit_store import (
    PRUNE_GRACE,
    Gate,
    peek,
    prune_expired,
    run_rate_limit_pruning,
    take,
)

pytestmark = pytest.mark.integration

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
POLICY = RatePolicy.per_second("api-key", rate=50, burst=100)


async def takes(pool: asyncpg.Pool, count: int, *, subject: str, now: datetime) -> int:
    """`count` concurrent takes through `pool`; how many were allowed."""

    async def one() -> bool:
        async with pool.acquire() as conn:
            taken = await take(conn=conn, policy=POLICY, subject=subject, now=now)
        return taken.decision.allowed

    return sum(await asyncio.gather(*(one() for _ in range(count))))


async def test_two_replicas_sharing_the_database_together_allow_only_the_burst(
    schema: Schema, database_url: str
) -> None:
    other_replica = await create_pool(dsn=database_url, schema=schema.name, max_size=5)
    try:
        allowed = await asyncio.gather(
            takes(schema.pool, 150, subject="k1", now=T0),
            takes(other_replica, 150, subject="k1", now=T0),
        )
        later = T0 + timedelta(seconds=1)
        refilled = await asyncio.gather(
            takes(schema.pool, 60, subject="k1", now=later),
            takes(other_replica, 60, subject="k1", now=later),
        )
    finally:
        await other_replica.close()
    assert sum(allowed) == 100, allowed
    assert sum(refilled) == 50, "one second at 50/s earns back 50, shared by both replicas"


async def test_the_statement_decides_as_the_pure_rule_does(schema: Schema) -> None:
    policy = RatePolicy.per_second("p", rate=4, burst=3)
    shuffled = random.Random(12)
    now, tat = T0, None
    async with schema.pool.acquire() as conn:
        for _ in range(300):
            now += timedelta(milliseconds=shuffled.choice([0, 0, 10, 90, 250, 400, 2000]))
            expected, tat = decide(policy, tat=tat, now=now)
            taken = await take(conn=conn, policy=policy, subject="same", now=now)
            assert taken.decision == expected, now


async def test_a_closed_gate_refuses_and_spends_nothing(schema: Schema) -> None:
    failures = RatePolicy(name="failed-auth", quota=2, window_seconds=3600)
    gate = Gate(policy=failures, subject="10.0.0.9")
    async with schema.pool.acquire() as conn:
        for _ in range(2):
            assert (
                await take(conn=conn, policy=POLICY, subject="k", now=T0, gate=gate)
            ).gated is None
            await take(conn=conn, policy=failures, subject="10.0.0.9", now=T0)
        blocked = await take(conn=conn, policy=POLICY, subject="k", now=T0, gate=gate)
        state = await peek(conn=conn, policy=POLICY, subject="k", now=T0)
    assert blocked.gated is not None
    assert not blocked.gated.allowed
    assert blocked.gated.retry_after_seconds == 1800
    assert blocked.refusal == blocked.gated
    assert state.remaining == 98, "the gated request took nothing from the key"


async def test_pruning_deletes_expired_rows_in_batches_and_never_resets_a_limited_key(
    schema: Schema,
) -> None:
    now = T0 + timedelta(hours=1)
    async with schema.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO rate_limits (key, tat)"
            " SELECT 'old:' || i, $1 FROM generate_series(1, 1200) i",
            now - PRUNE_GRACE - timedelta(seconds=1),
        )
        await conn.execute(
            "INSERT INTO rate_limits (key, tat) VALUES ('recent:1', $1)",
            now - PRUNE_GRACE + timedelta(seconds=1),
        )
        assert await takes(schema.pool, 101, subject="limited", now=now) == 100
        first = await prune_expired(conn=conn, now=now, limit=500)

    stop = asyncio.Event()
    loop = asyncio.create_task(
        run_rate_limit_pruning(pool=schema.pool, stop=stop, clock=lambda: now, batch_size=500)
    )

    async def all_old_rows_pruned() -> bool:
        async with schema.pool.acquire() as conn:
            left = await conn.fetchval("SELECT count(*) FROM rate_limits WHERE key LIKE 'old:%'")
        return bool(left == 0)

    try:
        await eventually(all_old_rows_pruned, what="every expired row pruned")
    finally:
        stop.set()
        await loop
    async with schema.pool.acquire() as conn:
        kept = {r["key"] for r in await conn.fetch("SELECT key FROM rate_limits")}
        still = await take(conn=conn, policy=POLICY, subject="limited", now=now)
    assert first == 500, "one batch at a time"
    assert kept == {"api-key:limited", "recent:1"}
    assert not still.decision.allowed, "the limited key kept its state"
