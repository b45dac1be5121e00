"""Wires routing: the agents API and the assignment of every new ticket."""

import asyncio

from routing.api.agents import router as agents_router
from routing.messaging.handlers import HANDLERS
from routing.settings import RoutingSettings
from ticketflow_common.service_main import ServiceSpec, serve

SPEC = ServiceSpec(
    name="routing",
    title="Ticketflow Routing API",
    routers=[agents_router],
    handlers=HANDLERS,
)


def run() -> None:
    asyncio.run(serve(SPEC, RoutingSettings()))
