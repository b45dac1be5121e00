"""Insights tests on the real Postgres: a fresh insights schema, events delivered through the
service's event table on the suite's fake clock, the app in-process. Every insights helper's
tests may use `insights` (the harness) and `api` (an admin client)."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.harness import ServiceHarness
from tests.support.insights import TOKEN, insights_runtime
from tests.support.ticket_facts import follow_up_facts
from ticketflow_common.envelope import Envelope, EventData, new_event
from ticketflow_common.events import TicketCreated
from ticketflow_insights.main import SPEC
from ticketflow_insights.settings import InsightsSettings


@dataclass
class InsightsHarness(ServiceHarness[InsightsSettings]):
    """The shared harness plus what insights' tests need: tickets and their follow-up facts,
    events stamped at an instant, and rows of the facts."""

    versions: dict[uuid.UUID, int] = field(default_factory=dict)

    def at(self, data: EventData, when: datetime | None = None) -> Envelope:
        """The envelope of `data`, its CloudEvents time `when` (default: the clock's now)."""
        key = str(getattr(data, "ticket_id", None) or getattr(data, "agent_id", uuid.uuid4()))
        return new_event(data, source="/tests", subject=key, time=when or self.clock())

    def created(
        self,
        *,
        priority: str = "normal",
        team: str | None = "network",
        channel: str = "web",
        category: str | None = "vpn",
        created_at: datetime | None = None,
        **extra: Any,
    ) -> TicketCreated:
        ticket_id = uuid.uuid4()
        self.versions[ticket_id] = 1
        return TicketCreated(
            ticket_id=ticket_id,
            subject="VPN drops",
            priority=priority,
            team=team,
            channel=channel,
            category=category,
            required_skills=[],
            requester_id="u-1",
            created_at=created_at or self.clock(),
            **extra,
        )

    def facts(self, created: TicketCreated, **changes: Any) -> dict[str, Any]:
        """The ticket's facts at its next version, for building follow-up ticket events."""
        self.versions[created.ticket_id] += 1
        return follow_up_facts(created, version=self.versions[created.ticket_id], **changes)

    async def fetch(self, query: str, *args: object) -> list[asyncpg.Record]:
        async with self.pool.acquire() as conn:
            rows: list[asyncpg.Record] = await conn.fetch(query, *args)
            return rows

    async def fetchrow(self, query: str, *args: object) -> asyncpg.Record | None:
        async with self.pool.acquire() as conn:
            row: asyncpg.Record | None = await conn.fetchrow(query, *args)
            return row

    async def ticket(self, ticket_id: uuid.UUID) -> asyncpg.Record:
        row = await self.fetchrow("SELECT * FROM tickets WHERE ticket_id = $1", ticket_id)
        assert row is not None, f"no facts for ticket {ticket_id}"
        return row


@pytest.fixture
async def insights(database_url: str, kafka_bootstrap: str) -> AsyncIterator[InsightsHarness]:
    """Insights' migrations in a schema of this test's own; the clock is the suite's FakeClock
    (2025-06-02 10:00 UTC), for events and routes alike."""
    async with insights_runtime(database_url, kafka_bootstrap) as made:
        yield InsightsHarness(spec=SPEC, runtime=made.runtime, clock=made.clock, schema=made.schema)


@pytest.fixture
async def api(insights: InsightsHarness) -> AsyncIterator[httpx.AsyncClient]:
    """Insights' app in-process, its clock the harness's, every request with the admin TOKEN."""
    async with insights.client(TOKEN) as client:
        yield client
