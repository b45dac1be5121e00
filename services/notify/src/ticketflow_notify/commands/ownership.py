"""404 (not 403: whether it exists is not theirs to learn) for someone else's resource."""

from uuid import UUID

import asyncpg

from ticketflow_common.problems import not_found
from ticketflow_notify.domain.ownership import Ownership
from ticketflow_notify.store import ownership


async def require_endpoint(*, conn: asyncpg.Connection, endpoint_id: UUID, seen: Ownership) -> None:
    if seen.only is None:
        return
    if not await ownership.endpoint_owned_by(conn=conn, endpoint_id=endpoint_id, owner=seen.only):
        raise not_found(f"endpoint {endpoint_id} not found")


async def require_subscription(
    *, conn: asyncpg.Connection, subscription_id: UUID, seen: Ownership
) -> None:
    if seen.only is None:
        return
    owned = await ownership.subscription_owned_by(
        conn=conn, subscription_id=subscription_id, owner=seen.only
    )
    if not owned:
        raise not_found(f"subscription {subscription_id} not found")
