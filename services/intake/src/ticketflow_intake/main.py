"""Wires intake: the public ticket API, and projections of the other services' events."""

import asyncio

from fastapi import FastAPI

from ticketflow_common.rate_limit import RatePolicy
from ticketflow_common.runtime import Runtime
from ticketflow_common.service_main import ServiceSpec, run_service
from ticketflow_intake.api import admin, conversation, lifecycle, tickets
from ticketflow_intake.api.deps import API_KEY, authenticate
from ticketflow_intake.backlog import run_backlog_gauge
from ticketflow_intake.messaging.handlers import HANDLERS
from ticketflow_intake.settings import IntakeSettings

DESCRIPTION = """
The public ticket API. Authenticate with `Authorization: Bearer <API key>`; keys carry a role
(requester, agent, approver, admin). Errors are RFC 9457 `application/problem+json` naming each
bad field. `POST /tickets` honours `Idempotency-Key`; changes honour `If-Match` (RFC 9110,
ETag = version).
"""


async def backlog_gauge(runtime: Runtime, stop: asyncio.Event) -> None:
    await run_backlog_gauge(runtime.pool, stop)


def spec(settings: IntakeSettings) -> ServiceSpec:
    def install_rate_limiter(app: FastAPI) -> None:
        app.state.key_rate_policy = RatePolicy.per_second(
            "api-key", rate=settings.rate_limit_per_second, burst=settings.rate_limit_burst
        )

    return ServiceSpec(
        name="intake",
        title="Ticketflow Intake API",
        description=DESCRIPTION,
        routers=[tickets.router, lifecycle.router, conversation.router, admin.router],
        handlers=HANDLERS,
        auth=authenticate,
        auth_scheme=API_KEY,
        max_body_bytes=settings.max_body_bytes,
        setup_app=install_rate_limiter,
        loops=[backlog_gauge],
    )


def run() -> None:
    settings = IntakeSettings()
    run_service(spec(settings), settings)
