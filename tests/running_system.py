"""The four services as separate processes on one database and topic prefix: tests, benchmarks."""

import asyncio
import contextlib
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

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
    database_url: str
    exit_codes: dict[str, int | None] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return self.services[service].url

    def auth(self, service: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[service]}"}


@contextlib.asynccontextmanager
async def running_system(
    *,
    database_url: str,
    kafka_bootstrap: str,
    logs: Path,
    extra_env: dict[str, str] | None = None,
    partitions: int = 3,
) -> AsyncIterator[System]:
    """Start the four services, wait until each is ready; SIGTERM them all afterwards."""
    names = TopicNames(f"sys{uuid.uuid4().hex[:8]}.")
    await ensure_topics(bootstrap_servers=kafka_bootstrap, names=names, partitions=partitions)
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
            # Receivers in tests listen on loopback, which notify refuses unless allow-listed.
            "NOTIFY_ALLOWED_PRIVATE_NETWORKS": '["127.0.0.0/8"]',
            **(extra_env or {}),
        }
        port = free_port()
        env[f"{prefix}_HTTP_PORT"] = str(port)
        services[service] = ServiceProcess(service, env, port, logs / f"{service}.log")
    for process in services.values():
        await process.start()
    system = System(services, tokens, names, kafka_bootstrap, database_url)
    try:
        for process in services.values():
            await process.wait_ready()
        yield system
    finally:
        system.exit_codes = {s: await p.terminate() for s, p in services.items()}
        await delete_topics(bootstrap=kafka_bootstrap, prefix=names.prefix)


@contextlib.asynccontextmanager
async def serving(app: Starlette, port: int) -> AsyncIterator[None]:
    """Serve `app` on 127.0.0.1:`port` in this event loop for the duration of the block."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return bool(server.started)

    await eventually(started, what=f"a test server on port {port}", within=10)
    try:
        yield
    finally:
        server.should_exit = True
        await task
