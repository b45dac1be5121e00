"""Wires intake: the public ticket API, and the projection of routing's assignments."""

import asyncio

from intake.api.tickets import router as tickets_router
from intake.messaging.handlers import HANDLERS
from intake.settings import IntakeSettings
from ticketflow_common.service_main import ServiceSpec, serve

SPEC = ServiceSpec(
    name="intake",
    title="Ticketflow Intake API",
    routers=[tickets_router],
    handlers=HANDLERS,
)


def run() -> None:
    asyncio.run(serve(SPEC, IntakeSettings()))
