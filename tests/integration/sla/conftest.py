"""SLA service tests on the real Postgres: a fresh SLA schema, events delivered through the
service's event table on the suite's fake clock, and the events it commits read back from the
outbox."""

import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.clock import FakeClock
from tests.support.harness import ServiceHarness, harness_runtime
from tests.support.schemas import fresh_schema
from ticketflow_common.events import TicketCreated
from ticketflow_sla.main import SPEC
from ticketflow_sla.settings import SlaSettings

TOKEN = secrets.token_urlsafe(24)


@dataclass
class SlaHarness(ServiceHarness[SlaSettings]):
    """The shared harness plus what SLA's tests read: tickets at their next version, event
    types and pending timers."""

    versions: dict[uuid.UUID, int] = field(default_factory=dict)

    async def types(self, ticket_id: uuid.UUID) -> list[str]:
        return [e["type"] for e in await self.outbox(str(ticket_id))]

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
async def sla(database_url: str, kafka_bootstrap: str) -> AsyncIterator[SlaHarness]:
    """SLA's migrations in a schema of this test's own; shipped policies replaced by 24x7 ones
    with round numbers, so tests read like the rules. The clock is the suite's FakeClock
    (2025-06-02), for events and routes alike."""
    async with fresh_schema(database_url, "sla", max_size=6) as (pool, schema):
        async with pool.acquire() as conn:
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
        settings = SlaSettings(
            database_url=database_url,
            kafka_bootstrap_servers=kafka_bootstrap,
            api_token=TOKEN,
            auth_failure_limit=10_000,  # tests share one client address
        )
        clock = FakeClock()
        runtime = harness_runtime(
            service="sla",
            settings=settings,
            pool=pool,
            clock=clock,
            kafka_bootstrap=kafka_bootstrap,
        )
        yield SlaHarness(spec=SPEC, runtime=runtime, clock=clock, schema=schema)
        await runtime.producer.stop()


@pytest.fixture
async def api(sla: SlaHarness) -> AsyncIterator[httpx.AsyncClient]:
    """SLA's app in-process, its clock the harness's, every request with TOKEN."""
    async with sla.client(TOKEN) as client:
        yield client
