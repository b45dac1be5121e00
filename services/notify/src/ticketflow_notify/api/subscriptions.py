"""Thin routes for subscriptions: which events go to which targets."""

from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Query, Response, status

from ticketflow_notify.api.deps import PoolDep, invalid, not_found
from ticketflow_notify.domain.subscriptions import EndpointTarget, NewSubscription, Subscription
from ticketflow_notify.store.endpoints import get_endpoint
from ticketflow_notify.store.subscriptions import (
    delete_subscription,
    get_subscription,
    insert_subscription,
    list_subscriptions,
)

router = APIRouter(tags=["subscriptions"])

Limit = Annotated[int, Query(ge=1, le=1000)]


@router.post("/subscriptions", status_code=status.HTTP_201_CREATED)
async def create_subscription(body: NewSubscription, pool: PoolDep) -> Subscription:
    """Route matching events to an endpoint, an email address or a role (assignee, team_lead,
    escalation_targets, watchers, requester). Webhooks get every event: no digests for them."""
    async with pool.acquire() as conn:
        if isinstance(body.target, EndpointTarget):
            endpoint = await get_endpoint(conn=conn, endpoint_id=body.target.endpoint_id)
            if endpoint is None:
                raise invalid("target", f"endpoint {body.target.endpoint_id} does not exist")
            if endpoint.kind == "webhook" and body.digest_seconds is not None:
                raise invalid(
                    "digest_seconds", "digests are for email and chat targets, not webhooks"
                )
        return await insert_subscription(conn=conn, subscription_id=uuid4(), new=body)


@router.get("/subscriptions")
async def read_subscriptions(
    pool: PoolDep, endpoint_id: UUID | None = None, limit: Limit = 100
) -> list[Subscription]:
    async with pool.acquire() as conn:
        return await list_subscriptions(conn=conn, endpoint_id=endpoint_id, limit=limit)


@router.get("/subscriptions/{subscription_id}")
async def read_subscription(subscription_id: UUID, pool: PoolDep) -> Subscription:
    async with pool.acquire() as conn:
        found = await get_subscription(conn=conn, subscription_id=subscription_id)
    if found is None:
        raise not_found(f"subscription {subscription_id}")
    return found


@router.delete("/subscriptions/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_subscription(subscription_id: UUID, pool: PoolDep) -> Response:
    async with pool.acquire() as conn:
        if not await delete_subscription(conn=conn, subscription_id=subscription_id):
            raise not_found(f"subscription {subscription_id}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
