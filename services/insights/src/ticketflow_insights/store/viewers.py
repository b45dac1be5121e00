"""Whether a token's agent is one the projection knows (and has not removed)."""

from uuid import UUID

import asyncpg


async def agent_is_active(*, conn: asyncpg.Connection, agent_id: UUID) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM agents WHERE agent_id = $1 AND NOT removed)", agent_id
        )
    )
