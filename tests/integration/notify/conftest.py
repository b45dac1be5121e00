"""Notify against the real Postgres: a fresh schema per test, its harness, a local webhook
receiver and an SMTP server."""

import dataclasses
import ssl
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import aiohttp
import asyncpg
import httpx
import pytest
import trustme
from aiosmtpd.controller import Controller

from tests.processes import free_port
from tests.support.clock import FakeClock
from tests.support.harness import ServiceHarness, harness_runtime
from tests.support.mail import Mailbox
from tests.support.schemas import fresh_schema
from tests.support.webhooks import Received, Receiver
from ticketflow_common.envelope import Envelope as CloudEvent
from ticketflow_common.events import EVENT_MODELS
from ticketflow_notify.adapters.senders import Senders
from ticketflow_notify.commands.fan_out import fan_out as fan_out_command
from ticketflow_notify.domain.endpoint_health import HealthPolicy
from ticketflow_notify.domain.outcomes import OutcomePolicy
from ticketflow_notify.domain.quiet_hours import QuietHoursPolicy
from ticketflow_notify.main import SPEC
from ticketflow_notify.settings import NotifySettings
from ticketflow_notify.store.deliveries import ClaimedDelivery
from ticketflow_notify.workers.dispatcher import Dispatcher

LOOPBACK = ["127.0.0.0/8"]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NotifyHarness = ServiceHarness[NotifySettings]

__all__ = ["FakeClock", "Received", "Receiver"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
async def notify(
    database_url: str, kafka_bootstrap: str, clock: FakeClock
) -> AsyncIterator[NotifyHarness]:
    """Notify on a fresh schema with its migrations, as a replica's pool sees it."""
    async with fresh_schema(database_url, "notify", max_size=12) as (pool, schema):
        runtime = harness_runtime(
            service="notify",
            settings=notify_settings(),
            pool=pool,
            clock=clock,
            kafka_bootstrap=kafka_bootstrap,
        )
        yield ServiceHarness(spec=SPEC, runtime=runtime, clock=clock, schema=schema)


@pytest.fixture
def notify_pool(notify: NotifyHarness) -> asyncpg.Pool:
    return notify.pool


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with Receiver().serving() as hooks:
        yield hooks


@dataclass
class SmtpServer:
    port: int
    mailbox: Mailbox
    ca_file: str | None
    mode: Literal["none", "starttls", "implicit"]


@pytest.fixture(scope="session")
def certificate_authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(params=["none"])
def smtp_server(
    request: pytest.FixtureRequest, certificate_authority: trustme.CA, tmp_path: Any
) -> Iterator[SmtpServer]:
    """A real SMTP server on a free loopback port: plain, STARTTLS or implicit TLS."""
    mode = request.param
    mailbox = Mailbox()
    port = free_port()
    kwargs: dict[str, Any] = {}
    ca_file = None
    if mode != "none":
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        certificate_authority.issue_cert("127.0.0.1").configure_cert(server_context)
        ca_path = tmp_path / "ca.pem"
        certificate_authority.cert_pem.write_to_path(str(ca_path))
        ca_file = str(ca_path)
        if mode == "starttls":
            kwargs = {"tls_context": server_context, "require_starttls": True}
        else:
            kwargs = {"ssl_context": server_context}
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield SmtpServer(port, mailbox, ca_file, mode)
    finally:
        controller.stop()


def notify_settings(**overrides: Any) -> NotifySettings:
    values: dict[str, Any] = {
        "database_url": "postgresql://unused@127.0.0.1/unused",
        "kafka_bootstrap_servers": "127.0.0.1:9",
        "api_token": "integration-test-token-0123456789",
        "allowed_private_networks": LOOPBACK,
        "smtp_host": "127.0.0.1",
        "auth_failure_limit": 10_000,  # tests share one client address
        **overrides,
    }
    return NotifySettings(**values)


def api_client(
    notify: NotifyHarness, settings: NotifySettings, clock: FakeClock
) -> httpx.AsyncClient:
    """Notify's app in-process on the harness's pool, with other settings and clock; every
    request carries the settings' token."""
    runtime = dataclasses.replace(notify.runtime, settings=settings, clock=clock)
    harness = dataclasses.replace(notify, runtime=runtime, clock=clock)
    return harness.client(settings.api_token.get_secret_value())


@pytest.fixture
async def api(notify: NotifyHarness) -> AsyncIterator[httpx.AsyncClient]:
    async with notify.client(notify.settings.api_token.get_secret_value()) as client:
        yield client


def build_dispatcher(
    pool: asyncpg.Pool,
    http: aiohttp.ClientSession,
    *,
    clock: Callable[[], datetime],
    settings: NotifySettings | None = None,
    schedule: list[float] | None = None,
    health: HealthPolicy | None = None,
    concurrency: int = 32,
) -> Dispatcher:
    settings = settings or notify_settings()
    return Dispatcher(
        pool=pool,
        senders=Senders.from_settings(settings, http=http, timeout_seconds=5),
        clock=clock,
        policy=OutcomePolicy(
            retry_schedule=schedule if schedule is not None else [5.0, 300.0],
            health=health or HealthPolicy(5, 60.0, 5 * 86_400.0),
        ),
        timeout_seconds=5,
        batch_size=100,
        concurrency=concurrency,
    )


BYPASS = QuietHoursPolicy(bypass_types=frozenset({"sla.escalated", "ticket.escalated"}))


async def fan_out(pool: asyncpg.Pool, event: CloudEvent, *, now: datetime = T0) -> int:
    """The consumer's command for one event, in a transaction of its own; returns how many
    targets were new for it (`ServiceHarness.deliver` when the count does not matter)."""
    payload = event.payload(EVENT_MODELS[event.type])
    async with pool.acquire() as conn, conn.transaction():
        return await fan_out_command(
            conn=conn, envelope=event, event=payload, now=now, policy=BYPASS
        )


async def drain(dispatcher: Dispatcher) -> int:
    """Dispatch until nothing is due now, waiting for every attempt; returns attempts made."""
    total = 0
    while True:
        claimed = await dispatcher.dispatch_due()
        await dispatcher.drain()
        total += claimed
        if claimed == 0:
            return total


def webhook_delivery(url: str) -> ClaimedDelivery:
    """A first attempt of a `ticket.created` webhook to `url`, to hand an `HttpSender` directly."""
    return ClaimedDelivery(
        id=uuid.uuid4(), channel="webhook", target=url, endpoint_id=uuid.uuid4(),
        event_id=uuid.uuid4(), event_type="ticket.created", subject="t", envelope={"id": "e"},
        trace_carrier={}, message=None, source_topic=None, event_time=None, attempts=1, url=url,
    )  # fmt: skip
