"""Wires SLA: policy, calendar and clock APIs, the clock lifecycle from events, the timers."""

import asyncio

from ticketflow_common.clock import system_clock
from ticketflow_common.runtime import Runtime
from ticketflow_common.service_main import ServiceSpec, run_service
from ticketflow_sla.api.calendars import router as calendars_router
from ticketflow_sla.api.clocks import router as clocks_router
from ticketflow_sla.api.policies import router as policies_router
from ticketflow_sla.messaging.handlers import HANDLERS
from ticketflow_sla.settings import SlaSettings
from ticketflow_sla.timers import run_stats_loop, run_timer_loop


def _settings(runtime: Runtime) -> SlaSettings:
    settings = runtime.settings
    assert isinstance(settings, SlaSettings)
    return settings


async def timer_loop(runtime: Runtime, stop: asyncio.Event) -> None:
    settings = _settings(runtime)
    await run_timer_loop(
        pool=runtime.pool,
        clock=system_clock,
        stop=stop,
        batch_size=settings.timer_batch_size,
        max_idle_seconds=settings.timer_max_idle_seconds,
        lookahead_seconds=settings.timer_lookahead_seconds,
        schema=runtime.service,
    )


async def stats_loop(runtime: Runtime, stop: asyncio.Event) -> None:
    await run_stats_loop(
        pool=runtime.pool,
        clock=system_clock,
        stop=stop,
        every_seconds=_settings(runtime).stats_interval_seconds,
    )


SPEC = ServiceSpec(
    name="sla",
    title="Ticketflow SLA API",
    routers=[policies_router, calendars_router, clocks_router],
    handlers=HANDLERS,
    loops=[timer_loop, stats_loop],
)


def run() -> None:
    run_service(SPEC, SlaSettings())
