"""Knowledge tests on the real Postgres: a fresh knowledge schema, events delivered through the
service's event table on the suite's fake clock, the app in-process. Every knowledge helper's
tests may use `knowledge` (the harness), `api` (an admin client), `agent_api` (agent a-1) and
`requester_api` (requester u-1)."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest

from tests.support.harness import ServiceHarness
from tests.support.knowledge import TOKEN, knowledge_runtime, token_for
from tests.support.ticket_facts import follow_up_facts
from ticketflow_common.events import TicketCreated
from ticketflow_knowledge.main import SPEC
from ticketflow_knowledge.settings import KnowledgeSettings


@dataclass
class KnowledgeHarness(ServiceHarness[KnowledgeSettings]):
    """The shared harness plus tickets for knowledge's tests and reads of its tables."""

    versions: dict[uuid.UUID, int] = field(default_factory=dict)

    def created(
        self,
        *,
        subject: str = "VPN drops every ten minutes",
        description: str = "",
        language: str = "en",
        category: str | None = "vpn",
        requester_id: str = "u-1",
        **extra: Any,
    ) -> TicketCreated:
        ticket_id = uuid.uuid4()
        self.versions[ticket_id] = 1
        return TicketCreated(
            ticket_id=ticket_id,
            subject=subject,
            description=description,
            language=language,
            priority="normal",
            category=category,
            required_skills=[],
            requester_id=requester_id,
            requester_email=f"{requester_id}@example.org",
            created_at=self.clock(),
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


@pytest.fixture
async def knowledge(database_url: str, kafka_bootstrap: str) -> AsyncIterator[KnowledgeHarness]:
    """Knowledge's migrations in a schema of this test's own; the clock is the suite's FakeClock."""
    async with knowledge_runtime(database_url, kafka_bootstrap) as made:
        yield KnowledgeHarness(
            spec=SPEC, runtime=made.runtime, clock=made.clock, schema=made.schema
        )


@pytest.fixture
async def api(knowledge: KnowledgeHarness) -> AsyncIterator[httpx.AsyncClient]:
    """Knowledge's app in-process, every request with the admin TOKEN."""
    async with knowledge.client(TOKEN) as client:
        yield client


@pytest.fixture
async def agent_api(knowledge: KnowledgeHarness) -> AsyncIterator[httpx.AsyncClient]:
    """The app as agent a-1."""
    async with knowledge.client(token_for("agent", "a-1", now=knowledge.clock())) as client:
        yield client


@pytest.fixture
async def requester_api(knowledge: KnowledgeHarness) -> AsyncIterator[httpx.AsyncClient]:
    """The app as requester u-1."""
    async with knowledge.client(token_for("requester", "u-1", now=knowledge.clock())) as client:
        yield client
