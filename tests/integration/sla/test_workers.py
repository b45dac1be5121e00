"""SLA's background workers as the service runs them (`SPEC.loops`), on the harness's context:
the timers worker fires what falls due on the runtime's clock, the gauges worker counts."""

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import pytest
from prometheus_client import REGISTRY

from tests.integration.sla.conftest import SlaHarness
from tests.polling import eventually
from ticketflow_sla.store.timers import count_pending

pytestmark = pytest.mark.integration

StartWorkers = Callable[[], None]


@pytest.fixture
async def start_workers(sla: SlaHarness) -> AsyncIterator[StartWorkers]:
    """Run every loop of the spec until the test ends; the schema is the runtime's service, as
    in a running service, so that NOTIFY reaches the timers worker."""
    stop = asyncio.Event()
    runtime = replace(sla.runtime, service=sla.schema)
    tasks: list[asyncio.Task[None]] = []

    def start() -> None:
        tasks.extend(asyncio.create_task(loop(runtime, stop)) for loop in sla.spec.loops)

    yield start
    stop.set()
    await asyncio.gather(*tasks)


async def test_the_timers_worker_fires_on_the_runtime_clock(
    sla: SlaHarness, start_workers: StartWorkers
) -> None:
    created = sla.created(priority="urgent")
    await sla.deliver(created)
    start_workers()
    sla.clock.advance(600.25)  # past both warnings and the first-response breach

    async def fired() -> list[str]:
        types = await sla.types(created.ticket_id)
        return types if "sla.breached" in types else []

    types = await eventually(fired, what="the breach to fire")
    assert types == ["sla.started"] * 2 + ["sla.warning"] * 2 + ["sla.breached"]


async def test_the_gauges_worker_counts_pending_timers(
    sla: SlaHarness, start_workers: StartWorkers
) -> None:
    created = sla.created(priority="urgent")
    await sla.deliver(created)
    pending = len(await sla.pending_timers(created.ticket_id))
    start_workers()

    async def counted() -> bool:
        return REGISTRY.get_sample_value("ticketflow_sla_active_timers") == pending

    await eventually(counted, what=f"the active timers gauge to read {pending}")


async def test_the_pending_count_is_exact_below_its_cap_and_an_estimate_above(
    sla: SlaHarness,
) -> None:
    created = sla.created(priority="urgent")
    await sla.deliver(created)
    pending = len(await sla.pending_timers(created.ticket_id))
    assert pending >= 3
    async with sla.pool.acquire() as conn:
        assert await count_pending(conn=conn, exact_up_to=pending + 1) == pending
        await conn.execute("ANALYZE timers")
        assert await count_pending(conn=conn, exact_up_to=2) == pending
