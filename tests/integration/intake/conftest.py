"""Intake's API driven in-process against the real Postgres, with API keys for every role."""

import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer

from ticketflow_common.db import create_pool
from ticketflow_common.envelope import new_event
from ticketflow_common.events import TeamChanged
from ticketflow_common.kafka import new_producer
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.runtime import Runtime
from ticketflow_common.service_main import build_app
from ticketflow_common.topics import TopicNames
from ticketflow_intake.main import spec
from ticketflow_intake.messaging.handlers import on_team_changed
from ticketflow_intake.settings import IntakeSettings

SYSTEM_TOKEN = "intake-system-token-" + secrets.token_hex(8)


@dataclass
class IntakeApi:
    """The app plus a way to mint a client for any role."""

    transport: httpx.ASGITransport
    pool: asyncpg.Pool

    def client(self, token: str | None = None, *, address: str | None = None) -> httpx.AsyncClient:
        """A client with `token`; from `address` if given (the app sees 127.0.0.1 otherwise)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        transport = self.transport
        if address is not None:
            transport = httpx.ASGITransport(app=self.transport.app, client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://intake", headers=headers)

    @property
    def admin(self) -> httpx.AsyncClient:
        return self.client(SYSTEM_TOKEN)

    async def key(self, role: str, subject: str | None = None) -> str:
        async with self.admin as http:
            issued = await http.post(
                "/credentials",
                json={"name": f"{role} key", "role": role, "subject": subject or role},
            )
        assert issued.status_code == 201, issued.text
        token: str = issued.json()["token"]
        return token

    async def outbox_types(self, ticket_id: str) -> list[str]:
        """Event types waiting in the outbox for this ticket, in commit order."""
        async with self.pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT event_type FROM outbox WHERE key = $1 ORDER BY id", ticket_id
            )
        return [r["event_type"] for r in rows]

    async def outbox_events(self, ticket_id: str) -> list[dict[str, Any]]:
        async with self.pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT payload FROM outbox WHERE key = $1 ORDER BY id", ticket_id
            )
        return [r["payload"] for r in rows]


def intake_settings(database_url: str, kafka_bootstrap: str, **overrides: Any) -> IntakeSettings:
    return IntakeSettings(
        database_url=database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        api_token=SYSTEM_TOKEN,
        # Tests share one client address: failed-auth limiting is tested where it is set low.
        **{
            "rate_limit_per_second": 10_000,
            "rate_limit_burst": 10_000,
            "auth_failure_limit": 10_000,
            **overrides,
        },
    )


@pytest.fixture(scope="package")
async def intake_parts(
    database_url: str, kafka_bootstrap: str
) -> AsyncIterator[tuple[asyncpg.Pool, AIOKafkaProducer]]:
    pool = await create_pool(dsn=database_url, schema="intake", max_size=10)
    async with pool.acquire() as conn:
        await apply_migrations(conn=conn, schema="intake", migrations=service_migrations("intake"))
    producer = new_producer(kafka_bootstrap, client_id="intake-api-tests")
    await producer.start()
    yield pool, producer
    await producer.stop()
    await pool.close()


AppFactory = Callable[..., Awaitable[IntakeApi]]


@pytest.fixture(scope="package")
def make_api(
    intake_parts: tuple[asyncpg.Pool, AIOKafkaProducer], database_url: str, kafka_bootstrap: str
) -> AppFactory:
    async def make(**overrides: Any) -> IntakeApi:
        pool, producer = intake_parts
        settings = intake_settings(database_url, kafka_bootstrap, **overrides)
        runtime = Runtime(
            service="intake", settings=settings, pool=pool, producer=producer, names=TopicNames()
        )
        app = build_app(spec(settings), runtime)
        return IntakeApi(transport=httpx.ASGITransport(app=app), pool=pool)

    return make


@pytest.fixture(scope="package")
async def api(make_api: AppFactory) -> IntakeApi:
    return await make_api()


@dataclass
class Keys:
    agent: str
    approver: str
    requester: str
    requester_id: str
    other_requester: str
    other_requester_id: str


@pytest.fixture(scope="package")
async def keys(api: IntakeApi) -> Keys:
    alice, bob = f"alice-{uuid.uuid4().hex[:6]}", f"bob-{uuid.uuid4().hex[:6]}"
    return Keys(
        agent=await api.key("agent", "agent-grace"),
        approver=await api.key("approver", "boss-1"),
        requester=await api.key("requester", alice),
        requester_id=alice,
        other_requester=await api.key("requester", bob),
        other_requester_id=bob,
    )


def ticket_body(requester_id: str, **fields: Any) -> dict[str, Any]:
    return {"subject": "Printer jams", "requester": {"id": requester_id}, **fields}


async def announce_team(
    api: IntakeApi, team: str, *, version: int = 1, archived: bool = False
) -> None:
    """Play routing's `team.changed` through intake's handler, as its consumer would."""
    data = TeamChanged(
        team=team,
        name=team.title(),
        change="archived" if archived else "created",
        archived=archived,
        version=version,
        changed_at=datetime.now(UTC),
    )
    envelope = new_event(data, source="/ticketflow/routing", subject=team)
    async with api.pool.acquire() as conn, conn.transaction():
        await on_team_changed(conn, envelope, data)
