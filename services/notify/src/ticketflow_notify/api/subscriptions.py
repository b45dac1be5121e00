"""Thin routes for subscriptions: which events go to which targets."""

from uuid import UUID

from fastapi import APIRouter, Response, status

from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_notify.api.deps import (
    AuditActorDep,
    NowDep,
    OwnershipDep,
    PoolDep,
    deleted,
    found,
)
from ticketflow_notify.commands import subscriptions
from ticketflow_notify.commands.ownership import require_endpoint, require_subscription
from ticketflow_notify.domain.subscriptions import NewSubscription, Subscription

router = APIRouter(tags=["subscriptions"])


@router.post("/subscriptions", status_code=status.HTTP_201_CREATED)
async def create_subscription(
    body: NewSubscription, pool: PoolDep, now: NowDep, actor: AuditActorDep, seen: OwnershipDep
) -> Subscription:
    """Route matching events to an endpoint, an email address or a role (assignee, team_lead,
    escalation_targets, watchers, requester). Webhooks get every event: no digests for them.
    An integrator subscribes only its own endpoints."""
    async with pool.acquire() as conn:
        return await subscriptions.subscribe(conn=conn, new=body, actor=actor, now=now, seen=seen)


@router.get("/subscriptions")
async def read_subscriptions(
    pool: PoolDep,
    seen: OwnershipDep,
    endpoint_id: UUID | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[Subscription]:
    """An integrator's own subscriptions; an admin's view is every one."""
    async with pool.acquire() as conn:
        if endpoint_id is not None:
            await require_endpoint(conn=conn, endpoint_id=endpoint_id, seen=seen)
        return await subscriptions.list_subscriptions(
            conn=conn, endpoint_id=endpoint_id, cursor=cursor, limit=limit, owner=seen.only
        )


@router.get("/subscriptions/{subscription_id}")
async def read_subscription(
    subscription_id: UUID, pool: PoolDep, seen: OwnershipDep
) -> Subscription:
    async with pool.acquire() as conn:
        await require_subscription(conn=conn, subscription_id=subscription_id, seen=seen)
        subscription = await subscriptions.find_subscription(
            conn=conn, subscription_id=subscription_id
        )
    return found(subscription, f"subscription {subscription_id}")


@router.delete("/subscriptions/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_subscription(
    subscription_id: UUID, pool: PoolDep, now: NowDep, actor: AuditActorDep, seen: OwnershipDep
) -> Response:
    async with pool.acquire() as conn:
        await require_subscription(conn=conn, subscription_id=subscription_id, seen=seen)
        removed = await subscriptions.unsubscribe(
            conn=conn, subscription_id=subscription_id, actor=actor, now=now
        )
    return deleted(removed, f"subscription {subscription_id}")
