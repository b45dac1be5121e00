"""Routing's harness on a fresh schema and a fake clock, and a fake intake that plays the
ticket events."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.clock import FakeClock
from tests.support.harness import ServiceHarness, harness_runtime
from tests.support.schemas import fresh_schema
from ticketflow_common.audit import SYSTEM_ACTOR
from ticketflow_common.events import (
    TicketCreated,
    TicketFacts,
    TicketStatusChanged,
    TicketTransferred,
    TicketUpdated,
)
from ticketflow_routing.commands.agents import create_agent
from ticketflow_routing.domain.agents import Agent, NewAgent
from ticketflow_routing.main import SPEC
from ticketflow_routing.settings import RoutingSettings

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)  # a Monday
TOKEN = "routing-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RoutingHarness = ServiceHarness[RoutingSettings]


def routing_settings(**overrides: Any) -> RoutingSettings:
    """Routing's settings in these tests; `overrides` change them."""
    values: dict[str, Any] = {
        "database_url": "postgresql://unused/unused",
        "kafka_bootstrap_servers": "unused:9092",
        "api_token": TOKEN,
        "auth_failure_limit": 10_000,  # tests share one client address
        "pickup_timeout_seconds": {"urgent": 60, "high": 120, "normal": 300, "low": 600},
        "candidate_limit": 20,
        **overrides,
    }
    return RoutingSettings(**values)


POLICY = routing_settings().routing_policy()


def routing_harness(
    pool: asyncpg.Pool, schema: str, *, kafka_bootstrap: str, **settings: Any
) -> RoutingHarness:
    """Routing on `pool`, its clock at T0; `settings` override the tests' defaults."""
    clock = FakeClock(T0)
    runtime = harness_runtime(
        service="routing",
        settings=routing_settings(**settings),
        pool=pool,
        clock=clock,
        kafka_bootstrap=kafka_bootstrap,
    )
    return ServiceHarness(spec=SPEC, runtime=runtime, clock=clock, schema=schema)


@pytest.fixture
async def routing_schema(database_url: str) -> AsyncIterator[tuple[asyncpg.Pool, str]]:
    async with fresh_schema(database_url, "routing") as found:
        yield found


@pytest.fixture
async def routing(routing_schema: tuple[asyncpg.Pool, str], kafka_bootstrap: str) -> RoutingHarness:
    pool, schema = routing_schema
    return routing_harness(pool, schema, kafka_bootstrap=kafka_bootstrap)


@pytest.fixture
def routing_pool(routing: RoutingHarness) -> asyncpg.Pool:
    return routing.pool


@pytest.fixture
async def api(routing: RoutingHarness) -> AsyncIterator[httpx.AsyncClient]:
    """Routing's app in-process; every request carries TOKEN."""
    async with routing.client(TOKEN) as client:
        yield client


@dataclass
class FakeIntake:
    """Plays intake: ticket events with increasing versions, at the clock's time; `send`
    delivers one to routing as the consumer would (in its own transaction)."""

    clock: FakeClock
    routing: RoutingHarness | None = None
    versions: dict[uuid.UUID, int] = field(default_factory=dict)
    facts: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)

    @property
    def now(self) -> datetime:
        return self.clock.now

    @now.setter
    def now(self, value: datetime) -> None:
        self.clock.now = value

    def tick(self, seconds: float = 1.0) -> datetime:
        return self.clock.advance(seconds)

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
        """Deliver `event`; True when it brought routing's projection of the ticket to its
        version, False when it was older than (or as old as) what routing knew."""
        assert self.routing is not None, "this FakeIntake only builds events"
        before = await self._version(event.ticket_id)
        assert await self.routing.deliver(event) == "processed"
        return before != event.version and await self._version(event.ticket_id) == event.version

    async def _version(self, ticket_id: uuid.UUID) -> int | None:
        assert self.routing is not None
        async with self.routing.pool.acquire() as conn:
            found: int | None = await conn.fetchval(
                "SELECT version FROM tickets WHERE ticket_id = $1", ticket_id
            )
        return found


@pytest.fixture
def intake(routing: RoutingHarness) -> FakeIntake:
    return FakeIntake(routing.clock, routing)


AddAgent = Callable[..., Awaitable[Agent]]


@pytest.fixture
def add_agent(routing_pool: asyncpg.Pool, intake: FakeIntake) -> AddAgent:
    async def add(name: str, **fields: Any) -> Agent:
        body = NewAgent.model_validate(
            {"team": "net", "skills": ["vpn"], "capacity": 2, **fields, "name": name}
        )
        async with routing_pool.acquire() as conn:
            return await create_agent(
                conn=conn, new=body, now=intake.now, policy=POLICY, actor=SYSTEM_ACTOR
            )

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
