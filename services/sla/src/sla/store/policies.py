"""SQL for SLA policies."""

import asyncpg

from sla.domain.policies import Policy, PolicyUpdate


async def match_policy(*, conn: asyncpg.Connection, priority: str) -> Policy | None:
    """The first policy, in position order, whose conditions the ticket meets."""
    row = await conn.fetchrow(
        "SELECT * FROM policies WHERE priority IS NULL OR priority = $1 ORDER BY position LIMIT 1",
        priority,
    )
    return Policy.model_validate(dict(row)) if row else None


async def list_policies(*, conn: asyncpg.Connection) -> list[Policy]:
    rows = await conn.fetch("SELECT * FROM policies ORDER BY position")
    return [Policy.model_validate(dict(r)) for r in rows]


async def upsert_policy(*, conn: asyncpg.Connection, name: str, update: PolicyUpdate) -> Policy:
    row = await conn.fetchrow(
        "INSERT INTO policies (name, position, priority, first_response_seconds)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET position = $2,"
        " priority = $3, first_response_seconds = $4, updated_at = now() RETURNING *",
        name,
        update.position,
        update.priority,
        update.first_response_seconds,
    )
    return Policy.model_validate(dict(row))
