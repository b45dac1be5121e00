"""SQL for the agents and teams notify projects from routing's events, and whom they reach."""

from uuid import UUID

import asyncpg

from ticketflow_common.events import AgentChanged, TeamChanged


async def apply_agent_changed(*, conn: asyncpg.Connection, event: AgentChanged) -> None:
    """Upsert by version: an older or redelivered event never overwrites a newer one."""
    await conn.execute(
        "INSERT INTO agents AS a (agent_id, email, teams, removed, version)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (agent_id) DO UPDATE SET"
        " email = EXCLUDED.email, teams = EXCLUDED.teams, removed = EXCLUDED.removed,"
        " version = EXCLUDED.version, updated_at = now() WHERE a.version < EXCLUDED.version",
        event.agent_id,
        event.email.strip().lower() if event.email else None,
        event.teams,
        event.change == "removed",
        event.version,
    )


async def apply_team_changed(*, conn: asyncpg.Connection, event: TeamChanged) -> None:
    await conn.execute(
        "INSERT INTO teams AS t (team, lead_agent_id, archived, version)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (team) DO UPDATE SET"
        " lead_agent_id = EXCLUDED.lead_agent_id, archived = EXCLUDED.archived,"
        " version = EXCLUDED.version, updated_at = now() WHERE t.version < EXCLUDED.version",
        event.team,
        event.lead_agent_id,
        event.archived,
        event.version,
    )


async def agent_email(*, conn: asyncpg.Connection, agent_id: UUID) -> str | None:
    email: str | None = await conn.fetchval(
        "SELECT email FROM agents WHERE agent_id = $1 AND NOT removed", agent_id
    )
    return email


async def team_lead_email(*, conn: asyncpg.Connection, team: str) -> str | None:
    email: str | None = await conn.fetchval(
        "SELECT a.email FROM teams t JOIN agents a ON a.agent_id = t.lead_agent_id"
        " WHERE t.team = $1 AND NOT a.removed",
        team,
    )
    return email


async def team_member_emails(*, conn: asyncpg.Connection, team: str) -> list[str]:
    """The addresses of the team's agents (those notify has an address for), once each."""
    rows = await conn.fetch(
        "SELECT DISTINCT email FROM agents WHERE teams @> ARRAY[$1]::text[] AND NOT removed"
        " AND email IS NOT NULL ORDER BY email",
        team,
    )
    return [r["email"] for r in rows]
