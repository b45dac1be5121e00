"""`processed_events` stays bounded: records beyond the retention horizon go, in batches."""

import asyncio
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import REGISTRY

from tests.integration.conftest import Schema
from tests.polling import eventually
from ticketflow_common.inbox import prune_processed_events, run_processed_events_pruning

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
RETENTION = timedelta(days=30)


async def record(schema: Schema, *, ages_in_days: Sequence[float]) -> None:
    async with schema.pool.acquire() as conn:
        await conn.executemany(
            "INSERT INTO processed_events (event_id, event_type, processed_at) VALUES ($1, $2, $3)",
            [(uuid.uuid4(), "ticket.created", NOW - timedelta(days=d)) for d in ages_in_days],
        )


async def ages(schema: Schema) -> list[float]:
    async with schema.pool.acquire() as conn:
        rows = await conn.fetch("SELECT processed_at FROM processed_events ORDER BY processed_at")
    return [(NOW - r["processed_at"]) / timedelta(days=1) for r in rows]


def pruned_total(service: str) -> float:
    return (
        REGISTRY.get_sample_value("ticketflow_processed_events_pruned_total", {"service": service})
        or 0.0
    )


async def test_records_older_than_the_horizon_go_oldest_first_in_batches(schema: Schema) -> None:
    await record(schema, ages_in_days=[400, 90, 31, 30.5, 29.9, 7, 0])

    async def prune() -> int:
        async with schema.pool.acquire() as conn:
            return await prune_processed_events(conn=conn, now=NOW, older_than=RETENTION, limit=3)

    assert await prune() == 3
    assert await ages(schema) == [30.5, 29.9, 7, 0]
    assert await prune() == 1
    assert await prune() == 0
    assert await ages(schema) == [29.9, 7, 0]


async def test_the_pruning_worker_empties_the_backlog_batch_after_batch_and_counts(
    schema: Schema,
) -> None:
    service = f"svc-{uuid.uuid4().hex[:6]}"
    await record(schema, ages_in_days=[60 + i for i in range(25)] + [1, 2])
    stop = asyncio.Event()
    worker = asyncio.create_task(
        run_processed_events_pruning(
            service=service,
            pool=schema.pool,
            clock=lambda: NOW,
            stop=stop,
            retention=RETENTION,
            batch_size=10,
            interval_seconds=3600,  # only full batches make it go on at once
        )
    )
    try:
        await eventually(lambda: _count_is(schema, 2), what="the old records pruned")
    finally:
        stop.set()
        await worker
    assert pruned_total(service) == 25
    assert await ages(schema) == [2, 1]


async def _count_is(schema: Schema, expected: int) -> bool:
    async with schema.pool.acquire() as conn:
        count: int = await conn.fetchval("SELECT count(*) FROM processed_events")
    return count == expected


async def test_the_batch_is_found_by_index_not_by_a_full_scan(schema: Schema) -> None:
    async with schema.pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL enable_seqscan = off")
        rows = await conn.fetch(
            "EXPLAIN SELECT event_id FROM processed_events WHERE processed_at < $1"
            " ORDER BY processed_at LIMIT 10",
            NOW,
        )
    plan = "\n".join(r[0] for r in rows)
    assert "processed_events_processed_at" in plan, plan
