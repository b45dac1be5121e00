"""SLA service tests on the real Postgres: a fresh SLA schema, handlers driven directly with an
injected clock, and the events they commit read back from the outbox."""

import secrets
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer

from ticketflow_common.db import create_pool
from ticketflow_common.envelope import EventData, new_event
from ticketflow_common.events import TicketCreated
from ticketflow_common.migrations import apply_migrations, service_migrations
from ticketflow_common.runtime import Runtime
from ticketflow_common.topics import TopicNames
from ticketflow_common.web import create_app
from ticketflow_sla.api.deps import get_clock
from ticketflow_sla.main import SPEC
from ticketflow_sla.messaging.handlers import Handler, build_handlers
from ticketflow_sla.settings import SlaSettings

TOKEN = secrets.token_urlsafe(24)
MONDAY = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    """Time that moves only when a test says so."""

    now: datetime = MONDAY

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@dataclass
class SlaHarness:
    pool: asyncpg.Pool
    schema: str
    clock: FakeClock
    handlers: Mapping[str, Handler]
    versions: dict[uuid.UUID, int] = field(default_factory=dict)

    async def deliver(self, data: EventData) -> None:
        """Apply one event as the consumer would: in one transaction."""
        envelope = new_event(data, source="/tests", subject="t", time=self.clock())
        async with self.pool.acquire() as conn, conn.transaction():
            await self.handlers[data.event_type](conn, envelope, data)

    async def events(self, ticket_id: uuid.UUID | None = None) -> list[dict[str, Any]]:
        """Envelopes SLA committed to its outbox, oldest first."""
        async with self.pool.acquire() as conn:
            rows = await conn.fetch("SELECT payload FROM outbox ORDER BY id")
        found = [r["payload"] for r in rows]
        if ticket_id is not None:
            found = [e for e in found if e["subject"] == str(ticket_id)]
        return found

    async def types(self, ticket_id: uuid.UUID) -> list[str]:
        return [e["type"] for e in await self.events(ticket_id)]

    async def pending_timers(self, ticket_id: uuid.UUID) -> list[asyncpg.Record]:
        async with self.pool.acquire() as conn:
            rows: list[asyncpg.Record] = await conn.fetch(
                "SELECT t.kind, t.threshold, t.level, t.repeat, t.due_at, c.metric FROM timers t"
                " JOIN clocks c ON c.id = t.clock_id WHERE c.ticket_id = $1 AND t.fired_at IS NULL"
                " ORDER BY t.due_at, t.kind",
                ticket_id,
            )
            return rows

    async def sql(self, query: str, *args: object) -> None:
        async with self.pool.acquire() as conn:
            await conn.execute(query, *args)

    def created(
        self, *, priority: str = "normal", status: str = "new", **extra: Any
    ) -> TicketCreated:
        ticket_id = uuid.uuid4()
        self.versions[ticket_id] = 1
        return TicketCreated(
            ticket_id=ticket_id,
            subject="VPN drops",
            priority=priority,
            status=status,
            required_skills=[],
            requester_id="u-1",
            created_at=self.clock(),
            **extra,
        )

    def facts(self, created: TicketCreated, **changes: Any) -> dict[str, Any]:
        """The ticket's facts at its next version, for building follow-up events."""
        self.versions[created.ticket_id] += 1
        base = created.model_dump(
            include={
                "ticket_id",
                "status",
                "priority",
                "category",
                "team",
                "channel",
                "required_skills",
                "requester_id",
                "requester_tier",
                "assignee_id",
            }
        )
        return {**base, **changes, "version": self.versions[created.ticket_id]}


@pytest.fixture
async def sla(database_url: str) -> AsyncIterator[SlaHarness]:
    """SLA's migrations in a schema of this test's own; shipped policies replaced by 24x7 ones
    with round numbers, so tests read like the rules."""
    schema = f"sla_{uuid.uuid4().hex[:10]}"
    pool = await create_pool(dsn=database_url, schema=schema, max_size=6)
    async with pool.acquire() as conn:
        await apply_migrations(conn=conn, schema=schema, migrations=service_migrations("sla"))
        await conn.execute("DELETE FROM policies")
        await conn.execute(
            "INSERT INTO escalation_policies (name, levels) VALUES ('test',"
            ' \'[{"delay_seconds": 60, "targets": [{"kind": "owner"}]},'
            '   {"delay_seconds": 120, "targets": [{"kind": "team_lead"},'
            '     {"kind": "group", "id": "network-oncall"}],'
            '    "repeat": 2, "repeat_every_seconds": 300}]\')'
        )
        await conn.execute(
            "INSERT INTO policies (name, position, conditions, first_response_seconds,"
            " next_response_seconds, resolution_seconds, calendar, escalation_policy) VALUES"
            " ('urgent', 10, '{\"priority\": [\"urgent\"]}', 600, 600, 3600, '24x7', 'test'),"
            " ('standard', 100, '{}', 1800, 1800, 7200, '24x7', 'test')"
        )
    clock = FakeClock()
    yield SlaHarness(pool=pool, schema=schema, clock=clock, handlers=build_handlers(clock))
    await pool.close()


@pytest.fixture
async def sla_runtime(
    sla: SlaHarness, database_url: str, kafka_bootstrap: str
) -> AsyncIterator[Runtime]:
    """What SLA's app holds, on the harness's pool; its producer is never started."""
    settings = SlaSettings(
        database_url=database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        api_token=TOKEN,
        auth_failure_limit=10_000,  # tests share one client address
    )
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    yield Runtime(
        service="sla", settings=settings, pool=sla.pool, producer=producer, names=TopicNames("")
    )
    await producer.stop()


@pytest.fixture
async def api(sla: SlaHarness, sla_runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """SLA's app in-process, its clock the harness's (2025-06-02), every request with TOKEN."""
    app = create_app(runtime=sla_runtime, title="sla", routers=SPEC.routers)
    app.dependency_overrides[get_clock] = lambda: sla.clock
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://sla",
        headers={"Authorization": f"Bearer {TOKEN}"},
    ) as client:
        yield client
