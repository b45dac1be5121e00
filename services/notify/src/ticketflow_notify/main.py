"""Wires notify: the API, fan-out of every event, the dispatcher, digests and statistics."""

import asyncio
import random

import httpx

from ticketflow_common.clock import system_clock
from ticketflow_common.runtime import Runtime
from ticketflow_common.service_main import ServiceSpec, run_service
from ticketflow_common.transient import TRANSIENT_ERRORS
from ticketflow_common.wakeups import wait_for_any
from ticketflow_notify.api.deliveries import router as deliveries_router
from ticketflow_notify.api.endpoints import router as endpoints_router
from ticketflow_notify.api.recipients import router as recipients_router
from ticketflow_notify.api.subscriptions import router as subscriptions_router
from ticketflow_notify.api.templates import router as templates_router
from ticketflow_notify.channels.address_guard import AddressGuard
from ticketflow_notify.channels.email_sender import SmtpSender
from ticketflow_notify.channels.http_sender import HttpSender
from ticketflow_notify.delivery_outcomes import OutcomePolicy
from ticketflow_notify.digest_closer import DigestCloser
from ticketflow_notify.dispatcher import Dispatcher
from ticketflow_notify.domain.endpoint_health import HealthPolicy
from ticketflow_notify.domain.network_policy import parse_networks
from ticketflow_notify.fan_out import FanOutPolicy
from ticketflow_notify.messaging.handlers import build_handlers
from ticketflow_notify.metrics import DISABLED_ENDPOINTS, RETRY_BACKLOG
from ticketflow_notify.settings import NotifySettings
from ticketflow_notify.store.deliveries import retry_backlog
from ticketflow_notify.store.endpoints import count_disabled

CHANNELS = ("webhook", "chat", "email")


def settings_of(runtime: Runtime) -> NotifySettings:
    settings = runtime.settings
    assert isinstance(settings, NotifySettings)
    return settings


def fan_out_policy(settings: NotifySettings) -> FanOutPolicy:
    return FanOutPolicy(quiet_hours_bypass_types=frozenset(settings.quiet_hours_bypass_types))


def outcome_policy(settings: NotifySettings) -> OutcomePolicy:
    return OutcomePolicy(
        retry_schedule=settings.retry_schedule_seconds,
        health=HealthPolicy(
            failure_threshold=settings.circuit_failure_threshold,
            open_seconds=settings.circuit_open_seconds,
            disable_after_seconds=settings.endpoint_disable_after_seconds,
        ),
    )


def build_dispatcher(
    settings: NotifySettings, *, runtime: Runtime, http: httpx.AsyncClient
) -> Dispatcher:
    guard = AddressGuard(allowed=parse_networks(settings.allowed_private_networks))
    return Dispatcher(
        pool=runtime.pool,
        http=HttpSender(http=http, guard=guard, timeout_seconds=settings.webhook_timeout_seconds),
        email=SmtpSender(settings),
        clock=system_clock,
        policy=outcome_policy(settings),
        timeout_seconds=max(settings.webhook_timeout_seconds, settings.smtp_timeout_seconds),
        batch_size=settings.delivery_batch_size,
        concurrency=settings.delivery_concurrency,
        rng=random.Random(),  # noqa: S311 - jitter, not security
    )


async def delivery_loop(runtime: Runtime, stop: asyncio.Event) -> None:
    settings = settings_of(runtime)
    async with httpx.AsyncClient(follow_redirects=False, trust_env=False) as http:
        dispatcher = build_dispatcher(settings, runtime=runtime, http=http)
        await dispatcher.run(stop, max_idle_seconds=settings.max_idle_seconds)


async def digest_loop(runtime: Runtime, stop: asyncio.Event) -> None:
    settings = settings_of(runtime)
    closer = DigestCloser(pool=runtime.pool, clock=system_clock, policy=fan_out_policy(settings))
    await closer.run(stop, max_idle_seconds=settings.digest_poll_seconds)


async def stats_loop(runtime: Runtime, stop: asyncio.Event) -> None:
    """Gauges read from Postgres, the truth shared by every replica."""
    settings = settings_of(runtime)
    while not stop.is_set():
        try:
            async with runtime.pool.acquire() as conn:
                backlog = await retry_backlog(conn=conn)
                disabled = await count_disabled(conn=conn)
            for channel in CHANNELS:
                RETRY_BACKLOG.labels(channel).set(backlog.get(channel, 0))
            DISABLED_ENDPOINTS.set(disabled)
        except TRANSIENT_ERRORS:
            pass
        await wait_for_any(stop, seconds=settings.stats_interval_seconds)


def build_spec(settings: NotifySettings) -> ServiceSpec:
    return ServiceSpec(
        name="notify",
        title="Ticketflow Notify API",
        routers=[
            endpoints_router,
            subscriptions_router,
            deliveries_router,
            templates_router,
            recipients_router,
        ],
        handlers=build_handlers(policy=fan_out_policy(settings), clock=system_clock),
        loops=[delivery_loop, digest_loop, stats_loop],
    )


def run() -> None:
    settings = NotifySettings()
    run_service(build_spec(settings), settings)
