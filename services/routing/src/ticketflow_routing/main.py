"""Wires routing: people and ticket APIs, ticket events, and the background loops."""

import asyncio

from ticketflow_common.clock import system_clock
from ticketflow_common.runtime import Runtime
from ticketflow_common.service_main import ServiceSpec, run_service
from ticketflow_routing.api.agents import router as agents_router
from ticketflow_routing.api.teams import router as teams_router
from ticketflow_routing.api.tickets import router as tickets_router
from ticketflow_routing.background import run_routing_loops
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.messaging.handlers import build_handlers
from ticketflow_routing.settings import RoutingSettings


async def routing_loops(runtime: Runtime, stop: asyncio.Event) -> None:
    settings = runtime.settings
    assert isinstance(settings, RoutingSettings)
    await run_routing_loops(
        pool=runtime.pool,
        clock=system_clock,
        stop=stop,
        policy=settings.policy(),
        max_idle_seconds=settings.loop_max_idle_seconds,
        sweep_interval_seconds=settings.queue_sweep_interval_seconds,
        gauges_interval_seconds=settings.gauges_interval_seconds,
    )


def spec(policy: RoutingPolicy) -> ServiceSpec:
    return ServiceSpec(
        name="routing",
        title="Ticketflow Routing API",
        routers=[agents_router, teams_router, tickets_router],
        handlers=build_handlers(clock=system_clock, policy=policy),
        loops=[routing_loops],
    )


def run() -> None:
    settings = RoutingSettings()
    run_service(spec(settings.policy()), settings)
