"""SQL for who owns an endpoint or a subscription (migration 0011)."""

from uuid import UUID

import asyncpg


async def endpoint_owned_by(*, conn: asyncpg.Connection, endpoint_id: UUID, owner: str) -> bool:
    found = await conn.fetchval(
        "SELECT owner = $2 FROM endpoints WHERE id = $1 AND archived_at IS NULL",
        endpoint_id,
        owner,
    )
    return found is True


async def subscription_owned_by(
    *, conn: asyncpg.Connection, subscription_id: UUID, owner: str
) -> bool:
    found = await conn.fetchval(
        "SELECT owner = $2 FROM subscriptions WHERE id = $1", subscription_id, owner
    )
    return found is True
