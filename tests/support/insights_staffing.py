"""Insights on a fresh schema for the staffing tests, and the rows they seed: a team with a
lead, agents with weekly shifts, forecast intervals and resolved tickets with handling times."""

import contextlib
import json
import secrets
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from tests.support.harness import ServiceHarness
from tests.support.insights import TOKEN, insights_runtime
from ticketflow_insights.commands.authentication import issue_viewer_token
from ticketflow_insights.main import SPEC
from ticketflow_insights.settings import InsightsSettings

VIEWER_SECRET = secrets.token_urlsafe(32)
OFFICE_HOURS = [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}]


@dataclass
class StaffingHarness(ServiceHarness[InsightsSettings]):
    """The shared harness plus the rows staffing reads, written straight into the facts."""

    async def sql(self, query: str, *args: object) -> None:
        async with self.pool.acquire() as conn:
            await conn.execute(query, *args)

    async def team(self, team: str, *, lead: uuid.UUID | None = None) -> None:
        await self.sql(
            "INSERT INTO teams (team, name, lead_agent_id, changed_at) VALUES ($1, $2, $3, $4)",
            team,
            team.title(),
            lead,
            self.clock(),
        )

    async def agent(
        self,
        teams: list[str],
        *,
        shifts: list[dict[str, Any]] | None = OFFICE_HOURS,
        time_zone: str = "UTC",
        email: str | None = None,
        removed: bool = False,
        agent_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        agent_id = agent_id or uuid.uuid4()
        await self.sql(
            "INSERT INTO agents (agent_id, name, email, teams, time_zone, shifts, removed,"
            " changed_at) VALUES ($1, 'Agent', $2, $3, $4, $5::jsonb, $6, $7)",
            agent_id,
            email,
            teams,
            time_zone,
            None if shifts is None else json.dumps(shifts),
            removed,
            self.clock(),
        )
        return agent_id

    async def forecast(
        self,
        team: str,
        start: datetime,
        hours: float,
        arrivals: Callable[[datetime], float],
        *,
        interval_minutes: int = 30,
    ) -> None:
        """Forecast rows from `start` for `hours`, `arrivals(interval_start)` each."""
        step = timedelta(minutes=interval_minutes)
        count = int(hours * 60 // interval_minutes)
        rows = [(team, interval_minutes, start + step * i) for i in range(count)]
        async with self.pool.acquire() as conn:
            await conn.executemany(
                "INSERT INTO forecasts (team, interval_minutes, interval_start, arrivals, source,"
                " generated_at) VALUES ($1, $2, $3, $4, 'model', $5)"
                " ON CONFLICT (team, interval_minutes, interval_start)"
                " DO UPDATE SET arrivals = EXCLUDED.arrivals",
                [(*row, arrivals(row[2]), self.clock()) for row in rows],
            )

    async def resolved_tickets(self, team: str, count: int, handling_seconds: float) -> None:
        async with self.pool.acquire() as conn:
            await conn.executemany(
                "INSERT INTO tickets (ticket_id, team, status, created_at, resolved_at,"
                " handling_seconds) VALUES ($1, $2, 'resolved', $3, $3, $4)",
                [
                    (
                        uuid.uuid4(),
                        team,
                        self.clock() - timedelta(days=1 + i % 20),
                        handling_seconds,
                    )
                    for i in range(count)
                ],
            )

    async def targets(self, team: str, **values: float) -> None:
        columns = ", ".join(values)
        marks = ", ".join(f"${i + 2}" for i in range(len(values)))
        await self.sql(
            f"INSERT INTO team_targets (team, {columns}, updated_at, updated_by)"
            f" VALUES ($1, {marks}, now(), 'test')",
            team,
            *values.values(),
        )

    @contextlib.asynccontextmanager
    async def client_as(
        self, agent_id: uuid.UUID | None = None
    ) -> AsyncIterator[httpx.AsyncClient]:
        """The app in-process with the service token (an admin), or with a viewer token of
        `agent_id` (a lead or an agent, as the projection says)."""
        token = TOKEN
        if agent_id is not None:
            token = issue_viewer_token(
                agent_id=agent_id,
                viewer_secret=self.settings.viewer_token_secret,
                now=self.clock(),
                hours=1,
            )
        async with self.client(token) as client:
            yield client


@contextlib.asynccontextmanager
async def staffing_harness(
    database_url: str, kafka_bootstrap: str, **settings: Any
) -> AsyncIterator[StaffingHarness]:
    async with insights_runtime(
        database_url, kafka_bootstrap, viewer_token_secret=VIEWER_SECRET, **settings
    ) as made:
        yield StaffingHarness(spec=SPEC, runtime=made.runtime, clock=made.clock, schema=made.schema)


LEAD = uuid.UUID("00000000-0000-4000-8000-00000000001a")
LEAD_EMAIL = "lead@example.test"
APPS_LEAD = uuid.UUID("00000000-0000-4000-8000-00000000002b")
NETWORK_AGENT = uuid.UUID("00000000-0000-4000-8000-00000000003c")


def network_arrivals(start: datetime) -> float:
    """Two tickets per half hour in office hours, a peak of 100 at 12:00-13:30 on Monday."""
    if start.weekday() == 0 and 12 <= start.hour + start.minute / 60 < 13.5:
        return 100.0
    return 2.0 if 9 <= start.hour < 17 else 0.0


async def seed_network(h: StaffingHarness) -> None:
    """Team network (80% within 20 s, 30% shrinkage, 180 s learned handling) whose roster is,
    on Monday in UTC: 1 always-on agent; +1 from Berlin 07-15; +3 in office hours 09-17.
    Its forecast covers the next 48 h; only Monday 12:00-13:30 is understaffed. Team apps has
    no forecast and another lead."""
    await h.team("network", lead=LEAD)
    await h.team("apps", lead=APPS_LEAD)
    await h.agent(["network"], email=LEAD_EMAIL, agent_id=LEAD)
    await h.agent(["network", "apps"])
    await h.agent(["network"], agent_id=NETWORK_AGENT)
    await h.agent(["network"], shifts=None)
    await h.agent(["network"], time_zone="Europe/Berlin")
    await h.agent(["network"], removed=True)
    await h.agent(["network"], shifts=[])
    await h.agent(["apps"], agent_id=APPS_LEAD)
    await h.targets("network", service_level=0.8, first_response_seconds=20, shrinkage=0.3)
    await h.resolved_tickets("network", 25, 180.0)
    midnight = h.clock().replace(hour=0, minute=0)
    await h.forecast("network", midnight, 72, network_arrivals)
