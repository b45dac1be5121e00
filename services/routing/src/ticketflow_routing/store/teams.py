"""SQL for teams: their lead and routing strategy, version and archiving."""

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.in_use import Usage, count_uses
from ticketflow_routing.domain.teams import Team

TEAM_SELECT = (
    "SELECT t.id, t.name, t.lead_agent_id, a.email AS lead_email, t.strategy, t.created_at,"
    " t.version, t.archived_at FROM teams t LEFT JOIN agents a ON a.id = t.lead_agent_id"
)


async def ensure_teams(*, conn: asyncpg.Connection, team_ids: list[str]) -> list[Team]:
    """Teams named in an agent's memberships exist, with the default strategy until set;
    returns the ones this created."""
    rows = await conn.fetch(
        "INSERT INTO teams (id, name) SELECT t, t FROM unnest($1::text[]) t ON CONFLICT DO NOTHING"
        " RETURNING id",
        team_ids,
    )
    created = [await get_team(conn=conn, team_id=r["id"]) for r in rows]
    return [t for t in created if t is not None]


async def archived_among(*, conn: asyncpg.Connection, team_ids: list[str]) -> list[str]:
    """Which of these teams are archived; shares the rows' lock, so an archive in flight waits."""
    rows = await conn.fetch(
        "SELECT id, archived_at FROM teams WHERE id = ANY($1::text[]) ORDER BY id FOR SHARE",
        team_ids,
    )
    return [r["id"] for r in rows if r["archived_at"] is not None]


async def put_team(
    *,
    conn: asyncpg.Connection,
    team_id: str,
    name: str,
    lead_agent_id: UUID | None,
    strategy: str,
) -> tuple[Team, bool]:
    """Create, change or bring back an archived team; True when it is new."""
    inserted: bool = await conn.fetchval(
        "INSERT INTO teams (id, name, lead_agent_id, strategy) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,"
        " lead_agent_id = EXCLUDED.lead_agent_id, strategy = EXCLUDED.strategy,"
        " version = teams.version + 1, archived_at = NULL RETURNING xmax = 0",
        team_id,
        name,
        lead_agent_id,
        strategy,
    )
    team = await get_team(conn=conn, team_id=team_id)
    assert team is not None
    return team, inserted


async def lock_team(*, conn: asyncpg.Connection, team_id: str) -> Team | None:
    """The live team, locked against memberships and transfers while it is being archived."""
    found = await conn.fetchval(
        "SELECT id FROM teams WHERE id = $1 AND archived_at IS NULL FOR UPDATE", team_id
    )
    return None if found is None else await get_team(conn=conn, team_id=team_id)


async def archive_team(*, conn: asyncpg.Connection, team_id: str, now: datetime) -> Team:
    await conn.execute(
        "UPDATE teams SET archived_at = $2, version = version + 1 WHERE id = $1", team_id, now
    )
    team = await get_team(conn=conn, team_id=team_id)
    assert team is not None
    return team


async def team_usages(
    *, conn: asyncpg.Connection, team_id: str, done_statuses: Collection[str]
) -> list[Usage]:
    """Live agents who are members, and tickets of the team still being worked."""
    return [
        await count_uses(
            conn,
            "agent",
            "SELECT id FROM agents WHERE routing_keys @> $1::text[] AND archived_at IS NULL"
            " ORDER BY created_at, id",
            [f"team:{team_id}"],
        ),
        await count_uses(
            conn,
            "open_ticket",
            "SELECT ticket_id FROM tickets WHERE team = $1 AND status <> ALL($2::text[])"
            " ORDER BY created_at, ticket_id",
            team_id,
            list(done_statuses),
        ),
    ]


async def get_team(*, conn: asyncpg.Connection, team_id: str) -> Team | None:
    row = await conn.fetchrow(f"{TEAM_SELECT} WHERE t.id = $1", team_id)
    return Team.model_validate(dict(row)) if row else None


async def list_teams(
    *, conn: asyncpg.Connection, limit: int | None = None, after: str | None = None
) -> list[Team]:
    """Live teams by id, after an id; every one unless `limit`."""
    rows = await conn.fetch(
        f"{TEAM_SELECT} WHERE t.archived_at IS NULL AND ($1::text IS NULL OR t.id > $1)"
        " ORDER BY t.id LIMIT $2",
        after,
        limit,
    )
    return [Team.model_validate(dict(r)) for r in rows]
