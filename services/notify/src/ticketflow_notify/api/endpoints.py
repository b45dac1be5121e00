"""Thin routes for webhook and chat endpoints: register, change, rotate secrets, replay."""

from typing import Annotated
from uuid import UUID, uuid4

from fastapi import APIRouter, Query, Response, status

from ticketflow_common.in_use import refuse_if_used
from ticketflow_notify.api.deps import ClockDep, GuardDep, PoolDep, not_found, refuse_unsafe_url
from ticketflow_notify.domain.deliveries import Replayed, ReplayRange
from ticketflow_notify.domain.endpoints import (
    CreatedEndpoint,
    Endpoint,
    EndpointChanges,
    NewEndpoint,
    RotatedSecret,
    SecretRotation,
)
from ticketflow_notify.domain.signing import new_secret
from ticketflow_notify.store.delivery_log import replay_failures
from ticketflow_notify.store.endpoint_archive import (
    archive_endpoint,
    endpoint_usages,
    lock_live_endpoint,
)
from ticketflow_notify.store.endpoints import (
    get_endpoint,
    insert_endpoint,
    list_endpoints,
    rotate_secret,
    update_endpoint,
)

router = APIRouter(tags=["endpoints"])

Limit = Annotated[int, Query(ge=1, le=1000)]


@router.post("/endpoints", status_code=status.HTTP_201_CREATED)
async def create_endpoint(body: NewEndpoint, pool: PoolDep, guard: GuardDep) -> CreatedEndpoint:
    """Register a webhook or chat endpoint; the response is the only place its secret is shown.
    URLs resolving to private, loopback or link-local addresses are refused (422)."""
    await refuse_unsafe_url(guard, str(body.url))
    async with pool.acquire() as conn:
        return await insert_endpoint(conn=conn, endpoint_id=uuid4(), new=body, secret=new_secret())


@router.get("/endpoints")
async def read_endpoints(pool: PoolDep, limit: Limit = 100) -> list[Endpoint]:
    async with pool.acquire() as conn:
        return await list_endpoints(conn=conn, limit=limit)


@router.get("/endpoints/{endpoint_id}")
async def read_endpoint(endpoint_id: UUID, pool: PoolDep) -> Endpoint:
    async with pool.acquire() as conn:
        found = await get_endpoint(conn=conn, endpoint_id=endpoint_id)
    if found is None:
        raise not_found(f"endpoint {endpoint_id}")
    return found


@router.patch("/endpoints/{endpoint_id}")
async def change_endpoint(
    endpoint_id: UUID, body: EndpointChanges, pool: PoolDep, guard: GuardDep
) -> Endpoint:
    """Change fields; `{"enabled": true}` re-enables a disabled endpoint with a closed circuit."""
    if body.url is not None:
        await refuse_unsafe_url(guard, str(body.url))
    async with pool.acquire() as conn:
        found = await update_endpoint(conn=conn, endpoint_id=endpoint_id, changes=body)
    if found is None:
        raise not_found(f"endpoint {endpoint_id}")
    return found


@router.delete("/endpoints/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_endpoint(endpoint_id: UUID, pool: PoolDep, clock: ClockDep) -> Response:
    """Archive the endpoint: kept for its delivery history, never sent to again, secrets
    dropped. 409 names the subscriptions that route to it (delete them first) and, while it
    is enabled, its pending deliveries (let them finish, or disable it: then they fail)."""
    async with pool.acquire() as conn, conn.transaction():
        enabled = await lock_live_endpoint(conn=conn, endpoint_id=endpoint_id)
        if enabled is None:
            raise not_found(f"endpoint {endpoint_id}")
        uses = await endpoint_usages(conn=conn, endpoint_id=endpoint_id, enabled=enabled)
        refuse_if_used(f"endpoint {endpoint_id}", uses)
        await archive_endpoint(conn=conn, endpoint_id=endpoint_id, now=clock())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/endpoints/{endpoint_id}/secrets", status_code=status.HTTP_201_CREATED)
async def rotate_endpoint_secret(
    endpoint_id: UUID, body: SecretRotation, pool: PoolDep, clock: ClockDep
) -> RotatedSecret:
    """A new signing secret, shown once; until the overlap ends every delivery carries one
    `v1=` signature per active secret, so receivers can switch at their own pace."""
    secret = new_secret()
    async with pool.acquire() as conn:
        expires = await rotate_secret(
            conn=conn,
            endpoint_id=endpoint_id,
            secret=secret,
            now=clock(),
            overlap_seconds=body.overlap_seconds,
        )
    if expires is None:
        raise not_found(f"endpoint {endpoint_id}")
    return RotatedSecret(endpoint_id=endpoint_id, secret=secret, previous_secrets_expire_at=expires)


@router.post("/endpoints/{endpoint_id}/replay", status_code=status.HTTP_202_ACCEPTED)
async def replay_endpoint_failures(
    endpoint_id: UUID, body: ReplayRange, pool: PoolDep, clock: ClockDep
) -> Replayed:
    """Send again every failed delivery of this endpoint created in [since, until)."""
    async with pool.acquire() as conn:
        if await get_endpoint(conn=conn, endpoint_id=endpoint_id) is None:
            raise not_found(f"endpoint {endpoint_id}")
        count = await replay_failures(
            conn=conn, endpoint_id=endpoint_id, since=body.since, until=body.until, now=clock()
        )
    return Replayed(replayed=count)
