"""What staffing reads (teams, agents' shifts, forecasts, handling times) and the gap windows it
published."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from pydantic import TypeAdapter

from ticketflow_common.shifts import Shift
from ticketflow_insights.domain.staffing_plan import AgentSchedule, ForecastRow, GapWindow

_SHIFTS = TypeAdapter(list[Shift])


@dataclass(frozen=True)
class TeamLead:
    """A team's display name and its lead, for the gap announcement."""

    name: str | None
    lead_agent_id: UUID | None
    lead_email: str | None


@dataclass(frozen=True)
class HandlingSample:
    """Handling times of a team's tickets resolved since some instant."""

    tickets: int
    mean_seconds: float | None


async def known_teams(*, conn: asyncpg.Connection, now: datetime) -> list[str]:
    """Teams staffing can plan: active teams, teams agents belong to, teams with a forecast."""
    rows = await conn.fetch(
        "SELECT team FROM teams WHERE NOT archived"
        " UNION SELECT unnest(teams) FROM agents WHERE NOT removed"
        " UNION SELECT DISTINCT team FROM forecasts WHERE interval_start >= $1"
        " ORDER BY 1",
        now,
    )
    return [r["team"] for r in rows if r["team"]]


async def team_lead(*, conn: asyncpg.Connection, team: str) -> TeamLead:
    row = await conn.fetchrow(
        "SELECT t.name, t.lead_agent_id, a.email FROM teams t"
        " LEFT JOIN agents a ON a.agent_id = t.lead_agent_id AND NOT a.removed"
        " WHERE t.team = $1",
        team,
    )
    if row is None:
        return TeamLead(None, None, None)
    return TeamLead(row["name"], row["lead_agent_id"], row["email"])


async def team_schedules(*, conn: asyncpg.Connection, team: str) -> list[AgentSchedule]:
    """The weekly shifts of the team's current agents."""
    rows = await conn.fetch(
        "SELECT shifts, time_zone FROM agents WHERE $1 = ANY(teams) AND NOT removed", team
    )
    return [AgentSchedule(_shifts(r["shifts"]), r["time_zone"]) for r in rows]


def _shifts(value: Any) -> list[Shift] | None:
    if value is None:
        return None
    return _SHIFTS.validate_python(json.loads(value) if isinstance(value, str) else value)


async def forecast_rows(
    *, conn: asyncpg.Connection, team: str, start: datetime, end: datetime
) -> list[ForecastRow]:
    """Forecast intervals of the team overlapping [start, end), every granularity."""
    rows = await conn.fetch(
        "SELECT interval_minutes, interval_start, arrivals FROM forecasts WHERE team = $1"
        " AND interval_start < $3"
        " AND interval_start + make_interval(mins => interval_minutes) > $2",
        team,
        start,
        end,
    )
    return [ForecastRow(r["interval_minutes"], r["interval_start"], r["arrivals"]) for r in rows]


async def handling_sample(
    *, conn: asyncpg.Connection, team: str, since: datetime, until: datetime
) -> HandlingSample:
    row = await conn.fetchrow(
        "SELECT count(*) AS n, avg(handling_seconds) AS mean FROM tickets WHERE team = $1"
        " AND resolved_at >= $2 AND resolved_at < $3 AND handling_seconds > 0",
        team,
        since,
        until,
    )
    assert row is not None
    return HandlingSample(row["n"], row["mean"])


async def lock_team_gaps(*, conn: asyncpg.Connection, team: str) -> None:
    """Hold the team's gap announcements until the transaction ends: two replicas planning
    at once announce each window once."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('staffing_gaps:' || $1, 0))", team
    )


async def published_gaps(
    *, conn: asyncpg.Connection, team: str, since: datetime
) -> dict[UUID, asyncpg.Record]:
    """The team's announced windows still open at `since`, by gap id."""
    rows = await conn.fetch(
        "SELECT * FROM staffing_gaps WHERE team = $1 AND ends_at > $2 ORDER BY starts_at",
        team,
        since,
    )
    return {r["gap_id"]: r for r in rows}


async def record_gap(
    *, conn: asyncpg.Connection, window: GapWindow, published: bool, now: datetime
) -> None:
    """Store the window as it stands; `published` when this run announced it."""
    await conn.execute(
        "INSERT INTO staffing_gaps (gap_id, team, starts_at, ends_at, interval_minutes,"
        " forecast_arrivals, required_agents, scheduled_agents, shortfall, published_at,"
        " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)"
        " ON CONFLICT (gap_id) DO UPDATE SET starts_at = EXCLUDED.starts_at,"
        " ends_at = EXCLUDED.ends_at,"
        " forecast_arrivals = EXCLUDED.forecast_arrivals,"
        " required_agents = EXCLUDED.required_agents,"
        " scheduled_agents = EXCLUDED.scheduled_agents, shortfall = EXCLUDED.shortfall,"
        " published_at = CASE WHEN $11 THEN EXCLUDED.published_at"
        "  ELSE staffing_gaps.published_at END,"
        " updated_at = EXCLUDED.updated_at",
        window.gap_id,
        window.team,
        window.starts_at,
        window.ends_at,
        window.interval_minutes,
        window.forecast_arrivals,
        window.required_agents,
        window.scheduled_agents,
        window.shortfall,
        now,
        published,
    )
