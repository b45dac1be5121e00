"""Thin routes for subscriptions: which events go to which targets."""

from uuid import UUID

from fastapi import APIRouter, Response, status

from ticketflow_notify.api.deps import AuditActorDep, Limit, NowDep, PoolDep, deleted, found
from ticketflow_notify.commands import subscriptions
from ticketflow_notify.domain.subscriptions import NewSubscription, Subscription

router = APIRouter(tags=["subscriptions"])


@router.post("/subscriptions", status_code=status.HTTP_201_CREATED)
async def create_subscription(
    body: NewSubscription, pool: PoolDep, now: NowDep, actor: AuditActorDep
) -> Subscription:
    """Route matching events to an endpoint, an email address or a role (assignee, team_lead,
    escalation_targets, watchers, requester). Webhooks get every event: no digests for them."""
    async with pool.acquire() as conn:
        return await subscriptions.subscribe(conn=conn, new=body, actor=actor, now=now)


@router.get("/subscriptions")
async def read_subscriptions(
    pool: PoolDep, endpoint_id: UUID | None = None, limit: Limit = 100
) -> list[Subscription]:
    async with pool.acquire() as conn:
        return await subscriptions.list_subscriptions(
            conn=conn, endpoint_id=endpoint_id, limit=limit
        )


@router.get("/subscriptions/{subscription_id}")
async def read_subscription(subscription_id: UUID, pool: PoolDep) -> Subscription:
    async with pool.acquire() as conn:
        subscription = await subscriptions.find_subscription(
            conn=conn, subscription_id=subscription_id
        )
    return found(subscription, f"subscription {subscription_id}")


@router.delete("/subscriptions/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_subscription(
    subscription_id: UUID, pool: PoolDep, now: NowDep, actor: AuditActorDep
) -> Response:
    async with pool.acquire() as conn:
        removed = await subscriptions.unsubscribe(
            conn=conn, subscription_id=subscription_id, actor=actor, now=now
        )
    return deleted(removed, f"subscription {subscription_id}")
