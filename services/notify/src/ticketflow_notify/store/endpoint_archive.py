"""SQL for deleting (archiving) an endpoint: its subscriptions go, its deliveries stay."""

from datetime import datetime
from uuid import UUID

import asyncpg


async def lock_live_endpoint(*, conn: asyncpg.Connection, endpoint_id: UUID) -> bool | None:
    """Lock the live endpoint before counting its uses: whether it is enabled, None when
    there is no live endpoint."""
    enabled: bool | None = await conn.fetchval(
        "SELECT enabled FROM endpoints WHERE id = $1 AND archived_at IS NULL FOR UPDATE",
        endpoint_id,
    )
    return enabled


async def drop_subscriptions(*, conn: asyncpg.Connection, endpoint_id: UUID) -> list[UUID]:
    """Delete the subscriptions routing to it (nothing is routed to an archived endpoint);
    their ids, for the audit log."""
    rows = await conn.fetch(
        "DELETE FROM subscriptions WHERE endpoint_id = $1 RETURNING id", endpoint_id
    )
    return [r["id"] for r in rows]


async def archive_endpoint(*, conn: asyncpg.Connection, endpoint_id: UUID, now: datetime) -> None:
    """Disabled for good; its pending deliveries, in flight or not, are cancelled (failed,
    'endpoint deleted': an attempt in flight finds its outcome ignored); its secrets are
    dropped, since nothing will be signed again."""
    await conn.execute(
        "UPDATE endpoints SET archived_at = $2, enabled = false,"
        " disabled_at = coalesce(disabled_at, $2), disabled_reason = 'archived' WHERE id = $1",
        endpoint_id,
        now,
    )
    await conn.execute(
        "UPDATE deliveries SET status = 'failed', next_attempt_at = NULL,"
        " lease_expires_at = NULL,"
        " last_error = 'endpoint deleted' WHERE endpoint_id = $1 AND status = 'pending'",
        endpoint_id,
    )
    await conn.execute("DELETE FROM endpoint_secrets WHERE endpoint_id = $1", endpoint_id)
