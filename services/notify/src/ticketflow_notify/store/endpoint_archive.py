"""SQL for archiving an endpoint: what still uses it, and the archiving itself."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.in_use import Usage, count_uses


async def lock_live_endpoint(*, conn: asyncpg.Connection, endpoint_id: UUID) -> bool | None:
    """Lock the live endpoint before counting its uses: whether it is enabled, None when
    there is no live endpoint."""
    enabled: bool | None = await conn.fetchval(
        "SELECT enabled FROM endpoints WHERE id = $1 AND archived_at IS NULL FOR UPDATE",
        endpoint_id,
    )
    return enabled


async def endpoint_usages(
    *, conn: asyncpg.Connection, endpoint_id: UUID, enabled: bool
) -> list[Usage]:
    """Subscriptions routing events to it, and (while it is enabled, so they are still being
    sent) its pending deliveries. A disabled endpoint's pending deliveries wait for nothing."""
    return [
        await count_uses(
            conn,
            "subscription",
            "SELECT id FROM subscriptions WHERE endpoint_id = $1 ORDER BY created_at, id",
            endpoint_id,
        ),
        await count_uses(
            conn,
            "pending_delivery",
            "SELECT id FROM deliveries WHERE endpoint_id = $1 AND status = 'pending' AND $2"
            " ORDER BY created_at, id",
            endpoint_id,
            enabled,
        ),
    ]


async def archive_endpoint(*, conn: asyncpg.Connection, endpoint_id: UUID, now: datetime) -> None:
    """Disabled for good; deliveries a disabled endpoint held back fail ('endpoint archived');
    its secrets are dropped, since nothing will be signed again."""
    await conn.execute(
        "UPDATE endpoints SET archived_at = $2, enabled = false,"
        " disabled_at = coalesce(disabled_at, $2), disabled_reason = 'archived' WHERE id = $1",
        endpoint_id,
        now,
    )
    await conn.execute(
        "UPDATE deliveries SET status = 'failed', next_attempt_at = NULL,"
        " last_error = 'endpoint archived' WHERE endpoint_id = $1 AND status = 'pending'",
        endpoint_id,
    )
    await conn.execute("DELETE FROM endpoint_secrets WHERE endpoint_id = $1", endpoint_id)
