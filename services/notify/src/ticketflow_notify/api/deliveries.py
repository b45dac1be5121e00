"""Thin routes for the delivery log and replaying one delivery."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, status

from ticketflow_common.input_model import Instant
from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_common.problems import ProblemError
from ticketflow_notify.api.deps import NowDep, PoolDep, done, found
from ticketflow_notify.commands import delivery_log
from ticketflow_notify.domain.deliveries import (
    Channel,
    Delivery,
    DeliveryDetail,
    DeliveryFilter,
    DeliveryStatus,
    ReplayOutcome,
)

router = APIRouter(tags=["deliveries"])

REPLAY_REFUSALS = {
    ReplayOutcome.IN_FLIGHT: "delivery is being sent right now",
    ReplayOutcome.ENDPOINT_DISABLED: "its endpoint is disabled; enable it first",
}


@router.get("/deliveries")
async def read_deliveries(
    pool: PoolDep,
    subject: Annotated[str | None, Query(max_length=200)] = None,
    delivery_status: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
    endpoint_id: UUID | None = None,
    event_type: Annotated[str | None, Query(max_length=100)] = None,
    channel: Channel | None = None,
    since: Instant | None = None,
    until: Instant | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[Delivery]:
    """The delivery log, newest first; `subject` is the ticket id for ticket events."""
    where = DeliveryFilter(
        subject=subject,
        status=delivery_status,
        endpoint_id=endpoint_id,
        event_type=event_type,
        channel=channel,
        since=since,
        until=until,
    )
    async with pool.acquire() as conn:
        return await delivery_log.list_deliveries(
            conn=conn, where=where, cursor=cursor, limit=limit
        )


@router.get("/deliveries/{delivery_id}")
async def read_delivery(delivery_id: UUID, pool: PoolDep) -> DeliveryDetail:
    """One delivery with every attempt: time, status code, latency and error."""
    async with pool.acquire() as conn:
        detail = await delivery_log.find_delivery(conn=conn, delivery_id=delivery_id)
    return found(detail, f"delivery {delivery_id}")


@router.post("/deliveries/{delivery_id}/replay", status_code=status.HTTP_202_ACCEPTED)
async def replay_delivery(delivery_id: UUID, pool: PoolDep, now: NowDep) -> dict[str, str]:
    """Send one delivery again, whatever its state (409 while it is being sent, or while its
    endpoint is disabled)."""
    async with pool.acquire() as conn:
        outcome = await delivery_log.replay_delivery(conn=conn, delivery_id=delivery_id, now=now)
    done(outcome is not ReplayOutcome.NOT_FOUND, f"delivery {delivery_id}")
    if outcome in REPLAY_REFUSALS:
        raise ProblemError(status.HTTP_409_CONFLICT, REPLAY_REFUSALS[outcome])
    return {"status": "pending"}
