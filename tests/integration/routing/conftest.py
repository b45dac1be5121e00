"""A fresh routing schema per test, and helpers that play intake's ticket events."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from ticketflow_common.db import create_pool
from ticketflow_common.events import (
    TicketCreated,
    TicketFacts,
    TicketStatusChanged,
    TicketTransferred,
    TicketUpdated,
)
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.runtime import Runtime
from ticketflow_common.topics import TopicNames
from ticketflow_common.web import create_app
from ticketflow_routing.domain.agents import Agent, NewAgent
from ticketflow_routing.domain.policy import RoutingPolicy
from ticketflow_routing.main import spec
from ticketflow_routing.messaging.handlers import apply_ticket_event
from ticketflow_routing.people import create_agent
from ticketflow_routing.settings import RoutingSettings

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)  # a Monday
POLICY = RoutingPolicy(
    pickup_timeout_seconds={"urgent": 60, "high": 120, "normal": 300, "low": 600},
    candidate_limit=20,
)
TOKEN = "routing-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def routing_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    name = f"rt_{uuid.uuid4().hex[:10]}"
    pool = await create_pool(dsn=database_url, schema=name, max_size=8)
    async with pool.acquire() as conn:
        await apply_migrations(conn=conn, schema=name, migrations=service_migrations("routing"))
    yield pool
    async with pool.acquire() as conn:
        await conn.execute(f'DROP SCHEMA "{name}" CASCADE')
    await pool.close()


def routing_runtime(pool: asyncpg.Pool, **settings: Any) -> Runtime:
    """Routing's runtime on `pool`, without Kafka; `settings` override the tests' defaults."""
    values: dict[str, Any] = {
        "database_url": "postgresql://unused/unused",
        "kafka_bootstrap_servers": "unused:9092",
        "api_token": TOKEN,
        "auth_failure_limit": 10_000,  # tests share one client address
        **settings,
    }
    return Runtime(
        service="routing",
        settings=RoutingSettings(**values),
        pool=pool,
        producer=None,
        names=TopicNames(),
    )


def routing_app(pool: asyncpg.Pool, **settings: Any) -> FastAPI:
    """Routing's routers under the shared app, on `routing_runtime(pool, **settings)`."""
    runtime = routing_runtime(pool, **settings)
    return create_app(runtime=runtime, title="routing", routers=spec(POLICY).routers)


@pytest.fixture
async def api(routing_pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    """Routing's app in-process; every request carries TOKEN."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=routing_app(routing_pool)),
        base_url="http://routing",
        headers=AUTH,
    ) as client:
        yield client


@dataclass
class FakeIntake:
    """Plays intake: emits ticket events with increasing versions, applied as the consumer
    would (each in its own transaction)."""

    pool: asyncpg.Pool
    now: datetime = T0
    versions: dict[uuid.UUID, int] = field(default_factory=dict)
    facts: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)

    def tick(self, seconds: float = 1.0) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now

    def _next(self, key: uuid.UUID, /, **changes: Any) -> dict[str, Any]:
        self.versions[key] = self.versions.get(key, 0) + 1
        self.facts[key] = {**self.facts.get(key, {}), **changes}
        return {**self.facts[key], "version": self.versions[key]}

    def created(
        self,
        *,
        skills: list[str] | None = None,
        priority: str = "normal",
        team: str | None = None,
        category: str | None = None,
        language: str = "en",
    ) -> TicketCreated:
        ticket_id = uuid.uuid4()
        facts = self._next(
            ticket_id,
            ticket_id=ticket_id,
            status="open",
            priority=priority,
            team=team,
            category=category,
            language=language,
            required_skills=skills or [],
            requester_id="u-1",
        )
        return TicketCreated(**facts, subject="help", created_at=self.now)

    def status(
        self, ticket_id: uuid.UUID, status: str, *, reopened: bool = False
    ) -> TicketStatusChanged:
        previous = self.facts[ticket_id]["status"]
        facts = self._next(ticket_id, status=status)
        return TicketStatusChanged(
            **facts,
            previous_status=previous,
            actor_id="a",
            actor_role="agent",
            reopened=reopened,
            changed_at=self.now,
        )

    def updated(self, ticket_id: uuid.UUID, **changes: Any) -> TicketUpdated:
        facts = self._next(ticket_id, **changes)
        return TicketUpdated(**facts, changed=list(changes), actor_id="a", updated_at=self.now)

    def transferred(self, ticket_id: uuid.UUID, team: str) -> TicketTransferred:
        before = self.facts[ticket_id]["team"]
        facts = self._next(ticket_id, team=team)
        return TicketTransferred(
            **facts, from_team=before, reason="wrong desk", actor_id="a", transferred_at=self.now
        )

    async def send(self, event: TicketFacts) -> bool:
        async with self.pool.acquire() as conn, conn.transaction():
            return await apply_ticket_event(conn=conn, event=event, now=self.now, policy=POLICY)


@pytest.fixture
def intake(routing_pool: asyncpg.Pool) -> FakeIntake:
    return FakeIntake(routing_pool)


AddAgent = Callable[..., Awaitable[Agent]]


@pytest.fixture
def add_agent(routing_pool: asyncpg.Pool, intake: FakeIntake) -> AddAgent:
    async def add(name: str, **fields: Any) -> Agent:
        body = NewAgent.model_validate(
            {"team": "net", "skills": ["vpn"], "capacity": 2, **fields, "name": name}
        )
        async with routing_pool.acquire() as conn, conn.transaction():
            return await create_agent(conn=conn, new=body, now=intake.now, policy=POLICY)

    return add


async def owner_of(pool: asyncpg.Pool, ticket_id: uuid.UUID) -> uuid.UUID | None:
    async with pool.acquire() as conn:
        found: uuid.UUID | None = await conn.fetchval(
            "SELECT agent_id FROM assignments WHERE ticket_id = $1", ticket_id
        )
        return found


async def events_of(pool: asyncpg.Pool, ticket_id: uuid.UUID) -> list[dict[str, Any]]:
    """Routing's outbox for one ticket, oldest first: [{'type':..., 'data':...}]."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT payload FROM outbox WHERE key = $1 ORDER BY id", str(ticket_id)
        )
    return [r["payload"] for r in rows]


async def loads(pool: asyncpg.Pool) -> dict[str, tuple[int, int]]:
    """name -> (load, open assignments)."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT a.name, a.load, (SELECT count(*) FROM assignments s WHERE s.agent_id = a.id)"
            " AS owned FROM agents a"
        )
    return {r["name"]: (r["load"], r["owned"]) for r in rows}
