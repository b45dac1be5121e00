"""The queue sweep: the heads of the queues routed again every few seconds."""

import asyncio
from functools import partial

from ticketflow_common.runtime import Runtime
from ticketflow_routing.commands.drain import sweep_queues
from ticketflow_routing.settings import RoutingSettings
from ticketflow_routing.workers.schedules import BATCH_SIZE, run_every


async def run_queue_sweep(runtime: Runtime[RoutingSettings], stop: asyncio.Event) -> None:
    settings = runtime.settings
    await run_every(
        runtime,
        stop,
        name="routing queue sweep",
        seconds=settings.queue_sweep_interval_seconds,
        command=partial(sweep_queues, policy=settings.routing_policy(), limit=BATCH_SIZE),
    )
