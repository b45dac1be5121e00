"""SQL for teams: their lead and routing strategy."""

from uuid import UUID

import asyncpg

from routing.domain.teams import Team

TEAM_SELECT = (
    "SELECT t.id, t.name, t.lead_agent_id, a.email AS lead_email, t.strategy, t.created_at"
    " FROM teams t LEFT JOIN agents a ON a.id = t.lead_agent_id"
)


async def ensure_teams(*, conn: asyncpg.Connection, team_ids: list[str]) -> None:
    """Teams named in an agent's memberships exist, with the default strategy until set."""
    await conn.execute(
        "INSERT INTO teams (id, name) SELECT t, t FROM unnest($1::text[]) t ON CONFLICT DO NOTHING",
        team_ids,
    )


async def put_team(
    *,
    conn: asyncpg.Connection,
    team_id: str,
    name: str,
    lead_agent_id: UUID | None,
    strategy: str,
) -> Team:
    await conn.execute(
        "INSERT INTO teams (id, name, lead_agent_id, strategy) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,"
        " lead_agent_id = EXCLUDED.lead_agent_id, strategy = EXCLUDED.strategy",
        team_id,
        name,
        lead_agent_id,
        strategy,
    )
    team = await get_team(conn=conn, team_id=team_id)
    assert team is not None
    return team


async def get_team(*, conn: asyncpg.Connection, team_id: str) -> Team | None:
    row = await conn.fetchrow(f"{TEAM_SELECT} WHERE t.id = $1", team_id)
    return Team.model_validate(dict(row)) if row else None


async def list_teams(*, conn: asyncpg.Connection) -> list[Team]:
    rows = await conn.fetch(f"{TEAM_SELECT} ORDER BY t.id")
    return [Team.model_validate(dict(r)) for r in rows]
