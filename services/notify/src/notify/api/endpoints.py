"""Thin routes for webhook endpoints, the delivery log and replay."""

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, HTTPException, Query, status

from notify.api.deps import PoolDep
from notify.domain.endpoints import CreatedEndpoint, Delivery, DeliveryStatus, Endpoint, NewEndpoint
from notify.domain.signing import new_secret
from notify.store.deliveries import list_deliveries, replay
from notify.store.endpoints import insert_endpoint, list_endpoints

router = APIRouter(tags=["webhooks"])

Limit = Annotated[int, Query(ge=1, le=1000)]


@router.post("/endpoints", status_code=status.HTTP_201_CREATED)
async def create_endpoint(body: NewEndpoint, pool: PoolDep) -> CreatedEndpoint:
    """Register a webhook; the response is the only place its signing secret is shown."""
    async with pool.acquire() as conn:
        return await insert_endpoint(conn=conn, endpoint_id=uuid4(), new=body, secret=new_secret())


@router.get("/endpoints")
async def read_endpoints(pool: PoolDep, limit: Limit = 100) -> list[Endpoint]:
    async with pool.acquire() as conn:
        return await list_endpoints(conn=conn, limit=limit)


@router.get("/deliveries")
async def read_deliveries(
    pool: PoolDep,
    subject: Annotated[str | None, Query(max_length=200)] = None,
    delivery_status: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
    limit: Limit = 100,
) -> list[Delivery]:
    """The delivery log, newest first; `subject` is the ticket id for ticket events."""
    async with pool.acquire() as conn:
        return await list_deliveries(
            conn=conn, subject=subject, status=delivery_status, limit=limit
        )


@router.post("/deliveries/{delivery_id}/replay", status_code=status.HTTP_202_ACCEPTED)
async def replay_delivery(delivery_id: UUID, pool: PoolDep) -> dict[str, str]:
    async with pool.acquire() as conn:
        found = await replay(conn=conn, delivery_id=delivery_id, now=datetime.now(UTC))
    if not found:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"delivery {delivery_id} not found")
    return {"status": "pending"}
