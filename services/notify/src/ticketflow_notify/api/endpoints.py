"""Thin routes for webhook and chat endpoints: register, change, rotate secrets, replay."""

from uuid import UUID

from fastapi import APIRouter, Response, status

from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_notify.api.deps import (
    AuditActorDep,
    NowDep,
    OwnershipDep,
    PoolDep,
    SettingsDep,
    deleted,
    found,
)
from ticketflow_notify.commands import endpoint_test_events, endpoints
from ticketflow_notify.commands.ownership import require_endpoint
from ticketflow_notify.domain.deliveries import Replayed, ReplayRange
from ticketflow_notify.domain.endpoints import (
    CreatedEndpoint,
    Endpoint,
    EndpointChanges,
    NewEndpoint,
    RotatedSecret,
    SecretRotation,
    SendTestEvent,
    SentTestEvent,
)

router = APIRouter(tags=["endpoints"])


@router.post("/endpoints", status_code=status.HTTP_201_CREATED)
async def create_endpoint(
    body: NewEndpoint,
    pool: PoolDep,
    settings: SettingsDep,
    now: NowDep,
    actor: AuditActorDep,
    seen: OwnershipDep,
) -> CreatedEndpoint:
    """Register a webhook or chat endpoint; the response is the only place its secret is shown.
    URLs resolving to private, loopback or link-local addresses are refused (422)."""
    async with pool.acquire() as conn:
        return await endpoints.register_endpoint(
            conn=conn,
            new=body,
            allowed=settings.allowed_networks(),
            owner=seen.owner,
            actor=actor,
            now=now,
        )


@router.get("/endpoints")
async def read_endpoints(
    pool: PoolDep, seen: OwnershipDep, cursor: CursorQuery = None, limit: LimitQuery = 100
) -> Page[Endpoint]:
    """An integrator's own endpoints; an admin's view is every one. Oldest first."""
    async with pool.acquire() as conn:
        return await endpoints.list_endpoints(
            conn=conn, cursor=cursor, limit=limit, owner=seen.only
        )


@router.get("/endpoints/{endpoint_id}")
async def read_endpoint(endpoint_id: UUID, pool: PoolDep, seen: OwnershipDep) -> Endpoint:
    async with pool.acquire() as conn:
        await require_endpoint(conn=conn, endpoint_id=endpoint_id, seen=seen)
        endpoint = await endpoints.find_endpoint(conn=conn, endpoint_id=endpoint_id)
    return found(endpoint, f"endpoint {endpoint_id}")


@router.patch("/endpoints/{endpoint_id}")
async def change_endpoint(
    endpoint_id: UUID,
    body: EndpointChanges,
    pool: PoolDep,
    settings: SettingsDep,
    now: NowDep,
    actor: AuditActorDep,
    seen: OwnershipDep,
) -> Endpoint:
    """Change fields; `{"enabled": true}` re-enables a disabled endpoint with a closed circuit."""
    async with pool.acquire() as conn:
        await require_endpoint(conn=conn, endpoint_id=endpoint_id, seen=seen)
        endpoint = await endpoints.change_endpoint(
            conn=conn,
            endpoint_id=endpoint_id,
            changes=body,
            allowed=settings.allowed_networks(),
            actor=actor,
            now=now,
        )
    return found(endpoint, f"endpoint {endpoint_id}")


@router.delete("/endpoints/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_endpoint(
    endpoint_id: UUID, pool: PoolDep, now: NowDep, actor: AuditActorDep, seen: OwnershipDep
) -> Response:
    """Delete the endpoint: archived for its delivery history, never sent to again, secrets
    and the subscriptions routing to it dropped, pending deliveries cancelled (failed,
    `endpoint deleted`). 404 once deleted, like every delete here."""
    async with pool.acquire() as conn:
        await require_endpoint(conn=conn, endpoint_id=endpoint_id, seen=seen)
        archived = await endpoints.archive_endpoint(
            conn=conn, endpoint_id=endpoint_id, actor=actor, now=now
        )
    return deleted(archived, f"endpoint {endpoint_id}")


@router.post("/endpoints/{endpoint_id}/secrets", status_code=status.HTTP_201_CREATED)
async def rotate_endpoint_secret(
    endpoint_id: UUID,
    body: SecretRotation,
    pool: PoolDep,
    now: NowDep,
    actor: AuditActorDep,
    seen: OwnershipDep,
) -> RotatedSecret:
    """A new signing secret (or ed25519 key pair), shown once; until the overlap ends every
    delivery carries one signature per active secret, so receivers switch at their own pace."""
    async with pool.acquire() as conn:
        await require_endpoint(conn=conn, endpoint_id=endpoint_id, seen=seen)
        rotated = await endpoints.rotate_endpoint_secret(
            conn=conn,
            endpoint_id=endpoint_id,
            overlap_seconds=body.overlap_seconds,
            actor=actor,
            now=now,
        )
    return found(rotated, f"endpoint {endpoint_id}")


@router.post("/endpoints/{endpoint_id}/replay", status_code=status.HTTP_202_ACCEPTED)
async def replay_endpoint_failures(
    endpoint_id: UUID, body: ReplayRange, pool: PoolDep, now: NowDep, seen: OwnershipDep
) -> Replayed:
    """Send again every failed delivery of this endpoint created in [since, until)."""
    async with pool.acquire() as conn:
        await require_endpoint(conn=conn, endpoint_id=endpoint_id, seen=seen)
        replayed = await endpoints.replay_endpoint_failures(
            conn=conn, endpoint_id=endpoint_id, since=body.since, until=body.until, now=now
        )
    return found(replayed, f"endpoint {endpoint_id}")


@router.post("/endpoints/{endpoint_id}/test", status_code=status.HTTP_202_ACCEPTED)
async def send_test_event(
    endpoint_id: UUID,
    pool: PoolDep,
    now: NowDep,
    seen: OwnershipDep,
    body: SendTestEvent | None = None,
) -> SentTestEvent:
    """Queue a signed `ticketflow.test` event to the endpoint through the normal delivery path
    (headers, signatures and retries as every delivery); follow it at /deliveries/{id}."""
    async with pool.acquire() as conn:
        await require_endpoint(conn=conn, endpoint_id=endpoint_id, seen=seen)
        sent = await endpoint_test_events.send_test_event(
            conn=conn, endpoint_id=endpoint_id, body=body or SendTestEvent(), now=now
        )
    return found(sent, f"endpoint {endpoint_id}")
