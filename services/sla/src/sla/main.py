"""Wires SLA: the policy API, clocks started from ticket events, and the timer loop."""

import asyncio

from sla.api.sla import router as sla_router
from sla.messaging.handlers import HANDLERS
from sla.settings import SlaSettings
from sla.timers import run_timer_loop
from ticketflow_common.clock import system_clock
from ticketflow_common.runtime import Runtime
from ticketflow_common.service_main import ServiceSpec, serve


async def timer_loop(runtime: Runtime, stop: asyncio.Event) -> None:
    settings = runtime.settings
    assert isinstance(settings, SlaSettings)
    await run_timer_loop(
        pool=runtime.pool,
        clock=system_clock,
        stop=stop,
        batch_size=settings.timer_batch_size,
        max_idle_seconds=settings.timer_max_idle_seconds,
    )


SPEC = ServiceSpec(
    name="sla",
    title="Ticketflow SLA API",
    routers=[sla_router],
    handlers=HANDLERS,
    loops=[timer_loop],
)


def run() -> None:
    asyncio.run(serve(SPEC, SlaSettings()))
