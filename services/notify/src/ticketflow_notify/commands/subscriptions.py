"""Subscriptions: which events go to which targets."""

from uuid import UUID, uuid4

import asyncpg

from ticketflow_common.problems import invalid_field
from ticketflow_notify.domain.subscriptions import EndpointTarget, NewSubscription, Subscription
from ticketflow_notify.store import subscriptions
from ticketflow_notify.store.endpoints import get_endpoint


async def subscribe(*, conn: asyncpg.Connection, new: NewSubscription) -> Subscription:
    """422 when the endpoint target does not exist, or a webhook is asked for digests."""
    if isinstance(new.target, EndpointTarget):
        endpoint = await get_endpoint(conn=conn, endpoint_id=new.target.endpoint_id)
        if endpoint is None:
            raise invalid_field("target", f"endpoint {new.target.endpoint_id} does not exist")
        if endpoint.kind == "webhook" and new.digest_seconds is not None:
            raise invalid_field(
                "digest_seconds", "digests are for email and chat targets, not webhooks"
            )
    return await subscriptions.insert_subscription(conn=conn, subscription_id=uuid4(), new=new)


async def list_subscriptions(
    *, conn: asyncpg.Connection, endpoint_id: UUID | None, limit: int
) -> list[Subscription]:
    return await subscriptions.list_subscriptions(conn=conn, endpoint_id=endpoint_id, limit=limit)


async def find_subscription(
    *, conn: asyncpg.Connection, subscription_id: UUID
) -> Subscription | None:
    return await subscriptions.get_subscription(conn=conn, subscription_id=subscription_id)


async def unsubscribe(*, conn: asyncpg.Connection, subscription_id: UUID) -> bool:
    """False when there is no such subscription."""
    return await subscriptions.delete_subscription(conn=conn, subscription_id=subscription_id)
