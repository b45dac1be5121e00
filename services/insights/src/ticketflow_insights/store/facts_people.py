"""Teams, agents, agents' status periods and calendars, as routing's and sla's events tell."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from ticketflow_insights.store.facts_batch import execute


async def upsert_team(
    *,
    conn: asyncpg.Connection,
    team: str,
    name: str,
    lead_agent_id: UUID | None,
    archived: bool,
    version: int,
    changed_at: datetime,
) -> None:
    """Only a newer version replaces what is known."""
    await execute(
        conn,
        "INSERT INTO teams (team, name, lead_agent_id, archived, version, changed_at)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (team) DO UPDATE SET"
        " name = excluded.name, lead_agent_id = excluded.lead_agent_id,"
        " archived = excluded.archived, version = excluded.version,"
        " changed_at = excluded.changed_at WHERE teams.version < excluded.version",
        team,
        name,
        lead_agent_id,
        archived,
        version,
        changed_at,
    )


async def upsert_agent(
    *,
    conn: asyncpg.Connection,
    agent_id: UUID,
    name: str,
    email: str | None,
    teams: list[str],
    capacity: int,
    status: str,
    time_zone: str,
    shifts: list[dict[str, Any]] | None,
    removed: bool,
    version: int,
    changed_at: datetime,
) -> None:
    """Only a newer version replaces what is known; a status period that began after this
    version was made says the current status better than the version does."""
    await execute(
        conn,
        "INSERT INTO agents (agent_id, name, email, teams, capacity, status, time_zone, shifts,"
        " removed, version, changed_at)"
        " VALUES ($1, $2, $3, $4, $5, coalesce((SELECT p.status FROM agent_status_periods p"
        "   WHERE p.agent_id = $1 AND p.started_at > $11 ORDER BY p.started_at DESC LIMIT 1),"
        "   $6), $7, $8, $9, $10, $11)"
        " ON CONFLICT (agent_id) DO UPDATE SET name = excluded.name, email = excluded.email,"
        " teams = excluded.teams, capacity = excluded.capacity, status = excluded.status,"
        " time_zone = excluded.time_zone, shifts = excluded.shifts, removed = excluded.removed,"
        " version = excluded.version, changed_at = excluded.changed_at"
        " WHERE agents.version < excluded.version",
        agent_id,
        name,
        email,
        teams,
        capacity,
        status,
        time_zone,
        shifts,
        removed,
        version,
        changed_at,
    )


async def add_status_period(
    *, conn: asyncpg.Connection, agent_id: UUID, status: str, started_at: datetime
) -> None:
    """A period from `started_at` to the next one's start, whatever order they come in; the
    agent's current status when it is the latest and newer than the agent's version."""
    await execute(
        conn,
        "INSERT INTO agent_status_periods (agent_id, status, started_at, ended_at)"
        " VALUES ($1, $2, $3, (SELECT min(started_at) FROM agent_status_periods"
        "   WHERE agent_id = $1 AND started_at > $3))"
        " ON CONFLICT (agent_id, started_at) DO NOTHING",
        agent_id,
        status,
        started_at,
    )
    await execute(
        conn,
        "UPDATE agent_status_periods SET ended_at = $2 WHERE agent_id = $1 AND started_at ="
        " (SELECT max(started_at) FROM agent_status_periods WHERE agent_id = $1"
        "  AND started_at < $2)",
        agent_id,
        started_at,
    )
    await execute(
        conn,
        "UPDATE agents SET status = $2 WHERE agent_id = $1 AND changed_at < $3"
        " AND NOT EXISTS (SELECT 1 FROM agent_status_periods"
        "   WHERE agent_id = $1 AND started_at > $3)",
        agent_id,
        status,
        started_at,
    )


async def upsert_calendar(
    *,
    conn: asyncpg.Connection,
    name: str,
    time_zone: str,
    always_open: bool,
    week: dict[str, Any],
    holidays: list[date],
    archived: bool,
    changed_at: datetime,
) -> None:
    """The latest change of a calendar stands."""
    await execute(
        conn,
        "INSERT INTO calendars (name, time_zone, always_open, week, holidays, archived,"
        " changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO UPDATE SET"
        " time_zone = excluded.time_zone, always_open = excluded.always_open,"
        " week = excluded.week, holidays = excluded.holidays, archived = excluded.archived,"
        " changed_at = excluded.changed_at WHERE calendars.changed_at <= excluded.changed_at",
        name,
        time_zone,
        always_open,
        week,
        holidays,
        archived,
        changed_at,
    )
