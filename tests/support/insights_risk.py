"""Breach-risk tests' fixtures: insights on a fresh schema, facts rows written directly (a team,
its agents, a resolved history, queued tickets and their running SLA clocks)."""

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx

from tests.support.harness import ServiceHarness
from tests.support.insights import client_as, insights_runtime
from ticketflow_insights.domain.access import Viewer
from ticketflow_insights.main import SPEC
from ticketflow_insights.settings import InsightsSettings

LEAD = uuid.UUID("00000000-0000-0000-0000-00000000001e")
AGENT = uuid.UUID("00000000-0000-0000-0000-0000000000a1")


@dataclass
class RiskHarness(ServiceHarness[InsightsSettings]):
    """The shared harness plus writers of the facts the assessment reads."""

    async def sql(self, query: str, *args: object) -> None:
        async with self.pool.acquire() as conn:
            await conn.execute(query, *args)

    async def team(self, team: str, *, lead: uuid.UUID | None = None) -> None:
        await self.sql(
            "INSERT INTO teams (team, name, lead_agent_id, changed_at) VALUES ($1, $1, $2, $3)",
            team,
            lead,
            self.clock(),
        )

    async def agent(
        self, agent_id: uuid.UUID, *, teams: list[str], status: str = "online", email: str
    ) -> None:
        await self.sql(
            "INSERT INTO agents (agent_id, name, email, teams, status, changed_at)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            agent_id,
            email.split("@")[0],
            email,
            teams,
            status,
            self.clock(),
        )

    async def resolved_history(self, team: str, *, count: int, handle_minutes: float) -> None:
        """`count` tickets resolved over the last day: owner replies 2 min after taking one."""
        now = self.clock()
        for i in range(count):
            created = now - timedelta(hours=20) + timedelta(minutes=30 * i)
            assigned = created + timedelta(minutes=5)
            await self.sql(
                "INSERT INTO tickets (ticket_id, team, priority, status, created_at, assignee_id,"
                " first_assigned_at, assigned_at, first_response_at, resolved_at,"
                " handling_seconds) VALUES ($1, $2, 'normal', 'resolved', $3, $4, $5, $5, $6,"
                " $7, $8)",
                uuid.uuid4(),
                team,
                created,
                AGENT,
                assigned,
                assigned + timedelta(minutes=2),
                assigned + timedelta(minutes=handle_minutes),
                handle_minutes * 60,
            )

    async def open_ticket(
        self,
        team: str,
        *,
        queued_minutes_ago: float | None = None,
        assignee: uuid.UUID | None = None,
        priority: str = "normal",
    ) -> uuid.UUID:
        """An open ticket: queued `queued_minutes_ago`, or owned by `assignee`."""
        ticket_id = uuid.uuid4()
        now = self.clock()
        queued = now - timedelta(minutes=queued_minutes_ago) if queued_minutes_ago else None
        await self.sql(
            "INSERT INTO tickets (ticket_id, team, priority, status, created_at, assignee_id,"
            " assigned_at, queued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            ticket_id,
            team,
            priority,
            "new" if assignee is None else "open",
            queued or now - timedelta(minutes=1),
            assignee,
            None if assignee is None else now - timedelta(minutes=1),
            queued,
        )
        return ticket_id

    async def clock_for(
        self,
        ticket_id: uuid.UUID,
        *,
        team: str,
        due_in_minutes: float,
        metric: str = "first_response",
        warned: bool = False,
        started_minutes_ago: float = 10,
    ) -> uuid.UUID:
        clock_id = uuid.uuid4()
        now = self.clock()
        await self.sql(
            "INSERT INTO sla_clocks (clock_id, ticket_id, metric, policy, team, priority,"
            " target_seconds, started_at, due_at, warned_at, changed_at)"
            " VALUES ($1, $2, $3, 'standard', $4, 'normal', $5, $6, $7, $8, $9)",
            clock_id,
            ticket_id,
            metric,
            team,
            (started_minutes_ago + due_in_minutes) * 60,
            now - timedelta(minutes=started_minutes_ago),
            now + timedelta(minutes=due_in_minutes),
            now - timedelta(minutes=1) if warned else None,
            now,
        )
        return clock_id

    async def at_risk_events(self) -> list[dict[str, Any]]:
        return [e for e in await self.outbox() if e["type"] == "sla.at_risk"]

    def client_as(self, viewer: Viewer) -> httpx.AsyncClient:
        """The app in-process with `viewer` as the authenticated caller."""
        return client_as(self, viewer)


@contextlib.asynccontextmanager
async def risk_harness(database_url: str, kafka_bootstrap: str) -> AsyncIterator[RiskHarness]:
    """Insights' migrations in a schema of the test's own, on the suite's FakeClock."""
    async with insights_runtime(database_url, kafka_bootstrap, max_size=4) as made:
        yield RiskHarness(spec=SPEC, runtime=made.runtime, clock=made.clock, schema=made.schema)
