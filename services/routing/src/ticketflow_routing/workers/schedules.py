"""How routing's due-item workers run on `run_work_loop`, safe on any number of replicas: due
items one transaction each, woken at the next due time (periodic ones use `run_every`)."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_work_loop
from ticketflow_routing.settings import RoutingSettings

BATCH_SIZE = 50

DueStep = Callable[..., Awaitable[bool]]
"""`(*, conn, now, policy)`: handle one due item in its own transaction; False when none is
due."""
NextDue = Callable[..., Awaitable[datetime | None]]
"""`(*, conn)`: when the next item falls due."""


async def run_due_items(
    runtime: Runtime[RoutingSettings],
    stop: asyncio.Event,
    *,
    name: str,
    step: DueStep,
    next_due: NextDue,
) -> None:
    """Apply `step` until nothing is due or a batch is done; then sleep until the next due
    time (at most `loop_max_idle_seconds`)."""
    policy = runtime.settings.routing_policy()

    async def work() -> int:
        done = 0
        async with runtime.pool.acquire() as conn:
            while done < BATCH_SIZE and await step(conn=conn, now=runtime.clock(), policy=policy):
                done += 1
        return done

    async def due() -> datetime | None:
        async with runtime.pool.acquire() as conn:
            return await next_due(conn=conn)

    await run_work_loop(
        name=name,
        work=work,
        next_due=due,
        max_idle_seconds=runtime.settings.loop_max_idle_seconds,
        stop=stop,
        clock=runtime.clock,
        batch_size=BATCH_SIZE,
    )
