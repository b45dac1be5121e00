"""The console on a running system for its benchmarks: a fresh database, intake, routing and
sla with identity, the console process, and a signed-in agent of team network."""

import contextlib
import re
import secrets
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.infra import bench_infra
from tests.conftest import fresh_database
from tests.processes import ServiceProcess, free_port
from tests.running_system import System, running_system

SERVICES = ("intake", "routing", "sla")


@dataclass(frozen=True)
class ConsoleUnderTest:
    system: System
    url: str
    agent_id: str
    key: str


@contextlib.asynccontextmanager
async def console_system(*, capacity: int) -> AsyncIterator[ConsoleUnderTest]:
    """Everything started, an agent (`capacity` tickets at once) and their API key."""
    infra = bench_infra()
    logs = Path(tempfile.mkdtemp(prefix="bench-console-"))
    async with (
        fresh_database(infra) as database_url,
        running_system(
            database_url=database_url, kafka_bootstrap=infra.kafka_bootstrap_servers, logs=logs,
            services=SERVICES,
        ) as system,
    ):  # fmt: skip
        port = free_port()
        env = {
            "CONSOLE_DATABASE_URL": system.database_url,
            "CONSOLE_KAFKA_BOOTSTRAP_SERVERS": system.kafka_bootstrap,
            "CONSOLE_API_TOKEN": secrets.token_urlsafe(24),
            "CONSOLE_TOPIC_PREFIX": system.names.prefix,
            "CONSOLE_HTTP_PORT": str(port),
            "CONSOLE_SESSION_SECRET": secrets.token_urlsafe(32),
            "CONSOLE_LOG_LEVEL": "WARNING",
            **{f"CONSOLE_{name.upper()}_URL": system.url(name) for name in ("identity", *SERVICES)},
        }
        process = ServiceProcess("console", env, port, logs / "console.log")
        await process.start()
        try:
            await process.wait_ready()
            agent_id, key = await agent_with_key(system, capacity=capacity)
            yield ConsoleUnderTest(system, process.url, agent_id, key)
        finally:
            await process.terminate()


async def agent_with_key(system: System, *, capacity: int) -> tuple[str, str]:
    """An agent of team network (skill vpn) in routing and their identity principal's key."""
    async with httpx.AsyncClient(timeout=10) as http:
        agent = await http.post(
            f"{system.url('routing')}/agents",
            json={"name": "Grace", "team": "network", "skills": ["vpn"], "capacity": capacity},
            headers=system.auth("routing"),
        )
        agent.raise_for_status()
        principal = await http.post(
            f"{system.url('identity')}/principals",
            json={"kind": "person", "display_name": "Grace Hopper", "role": "agent",
                  "email": "grace@ticketflow.test", "agent_id": agent.json()["id"],
                  "teams": ["network"]},
            headers=system.auth("identity"),
        )  # fmt: skip
        principal.raise_for_status()
        key = await http.post(
            f"{system.url('identity')}/principals/{principal.json()['principal_id']}/keys",
            json={"name": "console"},
            headers=system.auth("identity"),
        )
        key.raise_for_status()
    return str(agent.json()["id"]), str(key.json()["token"])


async def signed_in(console: ConsoleUnderTest) -> httpx.AsyncClient:
    """An HTTP client holding a console session cookie (sign-in form with its CSRF token)."""
    http = httpx.AsyncClient(base_url=console.url, timeout=30)
    form = await http.get("/sign-in")
    found = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert found, "the sign-in form carries a CSRF token"
    answer = await http.post(
        "/sign-in", data={"api_key": console.key, "csrf_token": found.group(1), "time_zone": "UTC"}
    )
    assert answer.status_code in (200, 303), answer.text
    return http
