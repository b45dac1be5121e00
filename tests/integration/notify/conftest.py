"""Notify against the real Postgres: its own schema, a local webhook receiver, an SMTP server."""

import asyncio
import ssl
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from typing import Any, Literal, cast

import asyncpg
import httpx
import pytest
import trustme
import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.polling import eventually
from tests.processes import free_port
from ticketflow_common.db import create_pool
from ticketflow_common.envelope import Envelope as CloudEvent
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.runtime import Runtime
from ticketflow_common.topics import TopicNames
from ticketflow_common.web import create_app
from ticketflow_notify.api.deps import get_clock
from ticketflow_notify.channels.address_guard import AddressGuard
from ticketflow_notify.channels.email_sender import SmtpSender
from ticketflow_notify.channels.http_sender import HttpSender
from ticketflow_notify.delivery_outcomes import OutcomePolicy
from ticketflow_notify.dispatcher import Dispatcher
from ticketflow_notify.domain.endpoint_health import HealthPolicy
from ticketflow_notify.domain.network_policy import parse_networks
from ticketflow_notify.fan_out import FanOutPolicy, fan_out
from ticketflow_notify.main import build_spec
from ticketflow_notify.settings import NotifySettings

LOOPBACK = ["127.0.0.0/8"]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def notify_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """A fresh schema with notify's migrations, as a replica's pool sees it."""
    schema = f"nt_{uuid.uuid4().hex[:10]}"
    pool = await create_pool(dsn=database_url, schema=schema, max_size=12)
    async with pool.acquire() as conn:
        await apply_migrations(conn=conn, schema=schema, migrations=service_migrations("notify"))
    yield pool
    await pool.close()


class FakeClock:
    """Time that moves only when the test says so."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    query: str = ""


@dataclass
class Receiver:
    """Counts every request per delivery id and the most requests in flight per path."""

    port: int
    answer: Callable[[Received], int] = field(default=lambda _r: 204)
    latency: float = 0.0
    received: list[Received] = field(default_factory=list)
    in_flight: Counter[str] = field(default_factory=Counter)
    max_in_flight: Counter[str] = field(default_factory=Counter)

    def url(self, path: str = "hooks") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def per_delivery(self) -> Counter[str]:
        return Counter(r.headers.get("ticketflow-delivery-id", "") for r in self.received)

    async def handle(self, request: Request) -> Response:
        path = request.url.path.strip("/")
        self.in_flight[path] += 1
        self.max_in_flight[path] = max(self.max_in_flight[path], self.in_flight[path])
        try:
            got = Received(
                path,
                {k.lower(): v for k, v in request.headers.items()},
                await request.body(),
                request.url.query,
            )
            if self.latency:
                await asyncio.sleep(self.latency)  # a receiver that takes time to answer
            self.received.append(got)
            return Response(status_code=self.answer(got))
        finally:
            self.in_flight[path] -= 1


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hooks = Receiver(port=free_port())
    app = Starlette(routes=[Route("/{path:path}", hooks.handle, methods=["POST"])])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=hooks.port, log_level="warning")
    )
    serving = asyncio.create_task(server.serve())

    async def started() -> bool:
        return bool(server.started)

    await eventually(started, what="the webhook receiver to listen", within=10)
    yield hooks
    server.should_exit = True
    await serving


class Mailbox:
    """aiosmtpd handler keeping every accepted message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.tls_used: list[bool] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        self.messages.append(BytesParser(policy=default_policy).parsebytes(raw))
        transport = server.transport
        encrypted = transport is not None and transport.get_extra_info("ssl_object") is not None
        self.tls_used.append(encrypted)
        return "250 OK"


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


def notify_runtime(pool: asyncpg.Pool, settings: NotifySettings) -> Runtime:
    """What notify's app holds, on `pool`, without Kafka."""
    return Runtime(
        service="notify",
        settings=settings,
        pool=pool,
        producer=cast(Any, None),
        names=TopicNames(),
    )


async def api_client(
    pool: asyncpg.Pool, settings: NotifySettings, clock: FakeClock
) -> httpx.AsyncClient:
    """Notify's app in-process on `clock`; every request carries the settings' token."""
    spec = build_spec(settings)
    app = create_app(runtime=notify_runtime(pool, settings), title=spec.title, routers=spec.routers)
    app.dependency_overrides[get_clock] = lambda: clock
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://notify",
        headers={"Authorization": f"Bearer {settings.api_token.get_secret_value()}"},
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def api(notify_pool: asyncpg.Pool, clock: FakeClock) -> AsyncIterator[httpx.AsyncClient]:
    async with await api_client(notify_pool, notify_settings(), clock) as client:
        yield client


def build_dispatcher(
    pool: asyncpg.Pool,
    http: httpx.AsyncClient,
    *,
    clock: Callable[[], datetime],
    settings: NotifySettings | None = None,
    schedule: list[float] | None = None,
    health: HealthPolicy | None = None,
    concurrency: int = 32,
) -> Dispatcher:
    settings = settings or notify_settings()
    guard = AddressGuard(allowed=parse_networks(settings.allowed_private_networks))
    return Dispatcher(
        pool=pool,
        http=HttpSender(http=http, guard=guard, timeout_seconds=5),
        email=SmtpSender(settings),
        clock=clock,
        policy=OutcomePolicy(
            retry_schedule=schedule if schedule is not None else [5.0, 300.0],
            health=health or HealthPolicy(5, 60.0, 5 * 86_400.0),
        ),
        timeout_seconds=5,
        batch_size=100,
        concurrency=concurrency,
    )


BYPASS = FanOutPolicy(quiet_hours_bypass_types=frozenset({"sla.escalated", "ticket.escalated"}))


async def publish(pool: asyncpg.Pool, event: CloudEvent, *, topic: str, now: datetime = T0) -> int:
    """What the consumer does with one event: fan it out inside a transaction."""
    async with pool.acquire() as conn, conn.transaction():
        return await fan_out(
            conn=conn, envelope=event, topic=topic, trace_carrier={}, now=now, policy=BYPASS
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
