"""The queue sweep: the heads of the queues routed again every few seconds."""

import asyncio
from functools import partial

from ticketflow_common.runtime import Runtime
from ticketflow_common.work_loop import run_every
from ticketflow_routing.commands.drain import sweep_queues
from ticketflow_routing.settings import RoutingSettings
from ticketflow_routing.workers.schedules import BATCH_SIZE


async def run_queue_sweep(runtime: Runtime[RoutingSettings], stop: asyncio.Event) -> None:
    settings = runtime.settings
    await run_every(
        name="routing queue sweep",
        seconds=settings.queue_sweep_interval_seconds,
        command=partial(sweep_queues, policy=settings.routing_policy(), limit=BATCH_SIZE),
        pool=runtime.pool,
        clock=runtime.clock,
        stop=stop,
    )
