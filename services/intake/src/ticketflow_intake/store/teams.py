"""SQL for intake's projection of routing's teams."""

from datetime import datetime

import asyncpg


async def apply_team(
    *,
    conn: asyncpg.Connection,
    team: str,
    name: str,
    version: int,
    archived: bool,
    changed_at: datetime,
) -> None:
    """Keep the newest version; an older or repeated event changes nothing."""
    await conn.execute(
        "INSERT INTO teams (id, name, version, archived, changed_at) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, version = EXCLUDED.version,"
        " archived = EXCLUDED.archived, changed_at = EXCLUDED.changed_at"
        " WHERE teams.version < EXCLUDED.version",
        team,
        name,
        version,
        archived,
        changed_at,
    )


async def team_is_archived(*, conn: asyncpg.Connection, team: str) -> bool | None:
    """None when routing has not announced the team."""
    archived: bool | None = await conn.fetchval("SELECT archived FROM teams WHERE id = $1", team)
    return archived
