"""Subscriptions: which events go to which targets."""

from datetime import datetime
from uuid import UUID, uuid4

import asyncpg

from ticketflow_common.events.audit import AuditActor
from ticketflow_common.pagination import Page, encode_timed_cursor, page_of, read_timed_cursor
from ticketflow_common.problems import invalid_field
from ticketflow_notify.commands.audit import audit
from ticketflow_notify.domain.ownership import Ownership
from ticketflow_notify.domain.subscriptions import EndpointTarget, NewSubscription, Subscription
from ticketflow_notify.store import subscriptions
from ticketflow_notify.store.endpoints import get_endpoint
from ticketflow_notify.store.ownership import endpoint_owned_by

SUBSCRIPTION = "notify.subscription"


async def subscribe(
    *,
    conn: asyncpg.Connection,
    new: NewSubscription,
    actor: AuditActor,
    now: datetime,
    seen: Ownership | None = None,
) -> Subscription:
    """422 when the endpoint target does not exist (or is not the caller's to see), or a
    webhook is asked for digests; the subscription is `seen.owner`'s."""
    seen = seen or Ownership(owner=None, only=None)
    if seen.only is not None and not isinstance(new.target, EndpointTarget):
        raise invalid_field("target", "only admins subscribe email addresses and roles")
    if isinstance(new.target, EndpointTarget):
        endpoint = await get_endpoint(conn=conn, endpoint_id=new.target.endpoint_id)
        if endpoint is not None and seen.only is not None:
            mine = await endpoint_owned_by(conn=conn, endpoint_id=endpoint.id, owner=seen.only)
            endpoint = endpoint if mine else None
        if endpoint is None:
            raise invalid_field("target", f"endpoint {new.target.endpoint_id} does not exist")
        if endpoint.kind == "webhook" and new.digest_seconds is not None:
            raise invalid_field(
                "digest_seconds", "digests are for email and chat targets, not webhooks"
            )
    async with conn.transaction():
        created = await subscriptions.insert_subscription(
            conn=conn, subscription_id=uuid4(), new=new, owner=seen.owner
        )
        await audit(
            conn=conn,
            actor=actor,
            entity=SUBSCRIPTION,
            entity_id=str(created.id),
            action="created",
            before=None,
            after=created,
            now=now,
        )
        return created


async def list_subscriptions(
    *,
    conn: asyncpg.Connection,
    endpoint_id: UUID | None,
    cursor: str | None,
    limit: int,
    owner: str | None = None,
) -> Page[Subscription]:
    """Oldest first; the cursor holds the last subscription's (created_at, id)."""
    after = read_timed_cursor(cursor, kind="notify.subscriptions")
    rows = await subscriptions.list_subscriptions(
        conn=conn, endpoint_id=endpoint_id, limit=limit + 1, owner=owner, after=after
    )
    return page_of(
        rows,
        limit=limit,
        cursor=lambda s: encode_timed_cursor("notify.subscriptions", s.created_at, s.id),
    )


async def find_subscription(
    *, conn: asyncpg.Connection, subscription_id: UUID
) -> Subscription | None:
    return await subscriptions.get_subscription(conn=conn, subscription_id=subscription_id)


async def unsubscribe(
    *, conn: asyncpg.Connection, subscription_id: UUID, actor: AuditActor, now: datetime
) -> bool:
    """False when there is no such subscription."""
    async with conn.transaction():
        before = await subscriptions.get_subscription(conn=conn, subscription_id=subscription_id)
        if not await subscriptions.delete_subscription(conn=conn, subscription_id=subscription_id):
            return False
        await audit(
            conn=conn,
            actor=actor,
            entity=SUBSCRIPTION,
            entity_id=str(subscription_id),
            action="deleted",
            before=before,
            after=None,
            now=now,
        )
        return True
