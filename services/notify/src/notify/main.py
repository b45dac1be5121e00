"""Wires notify: the webhook API, fan-out of every event, and the delivery dispatcher."""

import asyncio

import httpx

from notify.api.endpoints import router as endpoints_router
from notify.dispatcher import Dispatcher
from notify.messaging.handlers import HANDLERS
from notify.settings import NotifySettings
from ticketflow_common.clock import system_clock
from ticketflow_common.runtime import Runtime
from ticketflow_common.service_main import ServiceSpec, serve


async def delivery_loop(runtime: Runtime, stop: asyncio.Event) -> None:
    settings = runtime.settings
    assert isinstance(settings, NotifySettings)
    async with httpx.AsyncClient(follow_redirects=False) as http:
        dispatcher = Dispatcher(
            pool=runtime.pool,
            http=http,
            clock=system_clock,
            retry_schedule=settings.retry_schedule_seconds,
            timeout_seconds=settings.webhook_timeout_seconds,
            batch_size=settings.delivery_batch_size,
            concurrency=settings.delivery_concurrency,
        )
        await dispatcher.run(stop, max_idle_seconds=settings.max_idle_seconds)


SPEC = ServiceSpec(
    name="notify",
    title="Ticketflow Notify API",
    routers=[endpoints_router],
    handlers=HANDLERS,
    loops=[delivery_loop],
)


def run() -> None:
    asyncio.run(serve(SPEC, NotifySettings()))
