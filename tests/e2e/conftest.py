"""The four services as separate processes on a fresh database and topics, and a receiver."""

import asyncio
import contextlib
import secrets
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.conftest import fresh_database
from tests.infra import Infra
from tests.kafka_helpers import delete_topics
from tests.polling import eventually
from tests.processes import ServiceProcess, free_port
from ticketflow_common.kafka_topics import ensure_topics
from ticketflow_common.topics import TopicNames

SERVICES = ("intake", "routing", "sla", "notify")


@dataclass
class System:
    services: dict[str, ServiceProcess]
    tokens: dict[str, str]
    names: TopicNames
    kafka_bootstrap: str

    def url(self, service: str) -> str:
        return self.services[service].url

    def auth(self, service: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[service]}"}


@pytest.fixture(scope="module")
async def system(
    infra: Infra, kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[System]:
    """Each test module gets its own system: database, topics and four processes."""
    async with fresh_database(infra) as database_url:
        async for running in _run_system(database_url, kafka_bootstrap, tmp_path_factory):
            yield running


async def _run_system(
    database_url: str,
    kafka_bootstrap: str,
    tmp_path_factory: pytest.TempPathFactory,
    *,
    extra_env: Mapping[str, str] | None = None,
) -> AsyncIterator[System]:
    """`extra_env` adds settings (e.g. faster gauges) to every service's environment."""
    names = TopicNames(f"e2e{uuid.uuid4().hex[:8]}.")
    await ensure_topics(bootstrap_servers=kafka_bootstrap, names=names, partitions=3)
    logs = tmp_path_factory.mktemp("service-logs")
    tokens = {s: secrets.token_urlsafe(24) for s in SERVICES}
    services: dict[str, ServiceProcess] = {}
    for service in SERVICES:
        prefix = service.upper()
        env = {
            f"{prefix}_DATABASE_URL": database_url,
            f"{prefix}_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            f"{prefix}_API_TOKEN": tokens[service],
            f"{prefix}_TOPIC_PREFIX": names.prefix,
            "NOTIFY_RETRY_SCHEDULE_SECONDS": "[0, 0.3, 0.6, 1.0]",
            "INTAKE_RATE_LIMIT_PER_SECOND": "100000",
            "INTAKE_RATE_LIMIT_BURST": "100000",
            # The receiver listens on loopback, which notify refuses unless allow-listed.
            "NOTIFY_ALLOWED_PRIVATE_NETWORKS": '["127.0.0.0/8"]',
            **(extra_env or {}),
        }
        port = free_port()
        env[f"{prefix}_HTTP_PORT"] = str(port)
        services[service] = ServiceProcess(service, env, port, Path(logs) / f"{service}.log")
    for process in services.values():
        await process.start()
    try:
        for process in services.values():
            await process.wait_ready()
        yield System(services, tokens, names, kafka_bootstrap)
    finally:
        codes = {s: await p.terminate() for s, p in services.items()}
        await delete_topics(bootstrap=kafka_bootstrap, prefix=names.prefix)
    assert codes == dict.fromkeys(SERVICES, 0), f"graceful SIGTERM exit codes: {codes}"


@dataclass
class ReceivedRequest:
    headers: dict[str, str]
    body: bytes
    answered: int


@dataclass
class WebhookReceiver:
    """Records every request; answers 503 to the first attempt of chosen event types, or to
    every request when `fail_always` (an endpoint that is down)."""

    port: int
    fail_first_of: set[str] = field(default_factory=set)
    fail_always: bool = False
    received: list[ReceivedRequest] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        event_type = headers.get("ticketflow-event-type", "")
        delivery = headers.get("ticketflow-delivery-id")
        seen_before = any(
            r.headers.get("ticketflow-delivery-id") == delivery for r in self.received
        )
        failing = self.fail_always or (event_type in self.fail_first_of and not seen_before)
        status = 503 if failing else 204
        self.received.append(ReceivedRequest(headers, body, status))
        return Response(status_code=status)


@pytest.fixture(scope="module")
async def receiver() -> AsyncIterator[WebhookReceiver]:
    async with serving(
        WebhookReceiver(port=free_port(), fail_first_of={"ticket.assigned"})
    ) as hooks:
        yield hooks


@contextlib.asynccontextmanager
async def serving(hooks: WebhookReceiver) -> AsyncIterator[WebhookReceiver]:
    """`hooks` listening on 127.0.0.1 for the duration of the block."""
    app = Starlette(routes=[Route("/hooks", hooks.handle, methods=["POST"])])
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
