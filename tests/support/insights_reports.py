"""What the reports tests share: an insights schema seeded with two teams, their leads and two
weeks of ticket facts, the app with a chosen viewer, and counts of the outbox."""

import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from tests.support.harness import ServiceHarness
from tests.support.insights import TOKEN, insights_runtime
from ticketflow_insights.commands.authentication import issue_viewer_token
from ticketflow_insights.main import SPEC
from ticketflow_insights.settings import InsightsSettings

VIEWER_SECRET = secrets.token_urlsafe(48)
HOUR = timedelta(hours=1)
LAST_WEEK = datetime(2025, 6, 9, tzinfo=UTC)
"""Monday of the last full week when the clock reads `NOW`."""
WEEK_BEFORE = LAST_WEEK - timedelta(days=7)
NOW = datetime(2025, 6, 18, 9, 0, tzinfo=UTC)
"""A Wednesday: last week, May and the first quarter are the periods due."""
CHINESE_TEAM, CHINESE_NAME = "cn-support", "网络支持组"
NETWORK_LEAD = "lead@network.example"
CHINESE_LEAD = "组长@support.example"


@dataclass(frozen=True)
class People:
    """The agents the seed made: each team's lead and one agent who leads nothing."""

    network_lead: uuid.UUID
    chinese_lead: uuid.UUID
    agent: uuid.UUID


@dataclass
class ReportsHarness(ServiceHarness[InsightsSettings]):
    """The insights harness plus the reports tests' helpers."""

    people: People | None = None

    async def fetch(self, query: str, *args: object) -> list[asyncpg.Record]:
        async with self.pool.acquire() as conn:
            rows: list[asyncpg.Record] = await conn.fetch(query, *args)
            return rows

    async def published(self) -> list[dict[str, Any]]:
        """The `report.published` envelopes in the outbox, oldest first."""
        return [e for e in await self.outbox() if e["type"] == "report.published"]

    def client_as(self, agent_id: uuid.UUID | None) -> httpx.AsyncClient:
        """The app in-process with the viewer token of `agent_id` (None: the service token,
        an admin); whether they lead a team is read from the projection, as in production."""
        if agent_id is None:
            return self.client(TOKEN)
        settings = self.settings
        token = issue_viewer_token(
            agent_id=agent_id,
            viewer_secret=settings.viewer_token_secret,
            now=self.clock(),
            hours=1,
        )
        return self.client(token)


async def add_team(
    conn: asyncpg.Connection,
    *,
    team: str,
    name: str,
    lead_email: str | None,
    archived: bool = False,
) -> uuid.UUID:
    lead = uuid.uuid4()
    await conn.execute(
        "INSERT INTO teams (team, name, lead_agent_id, archived, changed_at)"
        " VALUES ($1, $2, $3, $4, $5)",
        team,
        name,
        lead,
        archived,
        WEEK_BEFORE,
    )
    await conn.execute(
        "INSERT INTO agents (agent_id, name, email, teams, changed_at) VALUES ($1, $2, $3, $4, $5)",
        lead,
        f"lead of {name}",
        lead_email,
        [team],
        WEEK_BEFORE,
    )
    return lead


async def add_resolved(
    conn: asyncpg.Connection,
    *,
    team: str,
    created: datetime,
    took: timedelta,
    csat: int | None = None,
    reopened: bool = False,
) -> None:
    """A ticket of `team` resolved `took` after it was created, answered after 10 minutes."""
    await conn.execute(
        "INSERT INTO tickets (ticket_id, team, channel, priority, status, created_at,"
        " first_response_at, agent_replies, resolved_at, reopen_count, csat_rating, csat_at)"
        " VALUES ($1, $2, 'web', 'normal', 'resolved', $3, $4, 1, $5, $6, $7, $8)",
        uuid.uuid4(),
        team,
        created,
        created + timedelta(minutes=10),
        created + took,
        1 if reopened else 0,
        csat,
        None if csat is None else created + took,
    )


async def seed_two_weeks(conn: asyncpg.Connection) -> People:
    """network: 4 tickets the week before (60 h each), 5 last week (40 h; one reopened);
    cn-support: 2 last week (80 h); an archived team with nothing."""
    network_lead = await add_team(conn, team="network", name="Network", lead_email=NETWORK_LEAD)
    chinese_lead = await add_team(
        conn, team=CHINESE_TEAM, name=CHINESE_NAME, lead_email=CHINESE_LEAD
    )
    agent = uuid.uuid4()
    await conn.execute(
        "INSERT INTO agents (agent_id, name, email, teams, changed_at) VALUES ($1, $2, $3, $4, $5)",
        agent,
        "an agent",
        "agent@network.example",
        ["network"],
        WEEK_BEFORE,
    )
    await add_team(conn, team="old", name="Old", lead_email="old@example.com", archived=True)
    for i in range(4):
        await add_resolved(
            conn, team="network", created=WEEK_BEFORE + (i + 1) * HOUR, took=60 * HOUR, csat=3
        )
    for i in range(5):
        await add_resolved(
            conn,
            team="network",
            created=LAST_WEEK + (i + 1) * HOUR,
            took=40 * HOUR,
            csat=5,
            reopened=i == 0,
        )
    for i in range(2):
        await add_resolved(
            conn, team=CHINESE_TEAM, created=LAST_WEEK + (i + 1) * HOUR, took=80 * HOUR
        )
    return People(network_lead=network_lead, chinese_lead=chinese_lead, agent=agent)


async def reports_harness(database_url: str, kafka_bootstrap: str) -> AsyncIterator[ReportsHarness]:
    """A fresh insights schema seeded with two weeks of facts, the clock at `NOW`."""
    async with insights_runtime(
        database_url,
        kafka_bootstrap,
        now=NOW,
        viewer_token_secret=VIEWER_SECRET,
        reports_interval_seconds=0.05,
    ) as made:
        async with made.pool.acquire() as conn:
            people = await seed_two_weeks(conn)
        yield ReportsHarness(
            spec=SPEC, runtime=made.runtime, clock=made.clock, schema=made.schema, people=people
        )
