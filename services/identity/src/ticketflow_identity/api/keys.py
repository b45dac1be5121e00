"""Thin routes for API keys: issue, list, revoke, rotate, and the unused-keys report."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Query, status

from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_identity.api.deps import (
    AdminDep,
    AuditActorDep,
    BootstrapDep,
    NowDep,
    PoolDep,
    SettingsDep,
)
from ticketflow_identity.commands import api_keys
from ticketflow_identity.domain.keys import ApiKeyView, IssuedKey, KeyRotation, NewApiKey

router = APIRouter(tags=["API keys"])

KeyPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


@router.post("/principals/{principal_id}/keys", status_code=status.HTTP_201_CREATED)
async def issue_key(
    principal_id: UUID,
    body: NewApiKey,
    pool: PoolDep,
    now: NowDep,
    settings: SettingsDep,
    _caller: BootstrapDep,
    actor: AuditActorDep,
) -> IssuedKey:
    """`token` (`tfid_<id>.<secret>`) is in this answer only; identity keeps a hash."""
    async with pool.acquire() as conn:
        return await api_keys.issue_key(
            conn=conn,
            principal_id=principal_id,
            new=body,
            settings=settings,
            actor=actor,
            now=now,
        )


@router.get("/principals/{principal_id}/keys")
async def read_keys(
    principal_id: UUID, pool: PoolDep, now: NowDep, _caller: AdminDep
) -> Page[ApiKeyView]:
    """One page: a principal holds a handful of keys."""
    async with pool.acquire() as conn:
        keys = await api_keys.list_keys(conn=conn, principal_id=principal_id, now=now)
    return Page[ApiKeyView](items=keys, next_cursor=None)


@router.get("/keys/unused")
async def read_unused_keys(
    pool: PoolDep,
    now: NowDep,
    _caller: AdminDep,
    days: Annotated[int, Query(ge=0, le=3650)],
    cursor: CursorQuery = None,
    limit: LimitQuery = 200,
) -> Page[ApiKeyView]:
    """Unrevoked keys whose last use (or creation, if never used) is more than `days` ago,
    longest unused first."""
    async with pool.acquire() as conn:
        return await api_keys.unused_keys(conn=conn, days=days, cursor=cursor, limit=limit, now=now)


@router.delete("/keys/{key_id}")
async def revoke_key(
    key_id: KeyPath, pool: PoolDep, now: NowDep, _caller: AdminDep, actor: AuditActorDep
) -> ApiKeyView:
    """Every service refuses the key's tokens from its `credential.revoked` on."""
    async with pool.acquire() as conn:
        return await api_keys.revoke_key(conn=conn, key_id=key_id, actor=actor, now=now)


@router.post("/keys/{key_id}/rotate", status_code=status.HTTP_201_CREATED)
async def rotate_key(
    key_id: KeyPath,
    pool: PoolDep,
    now: NowDep,
    settings: SettingsDep,
    _caller: AdminDep,
    actor: AuditActorDep,
    body: KeyRotation | None = None,
) -> IssuedKey:
    """The successor's token, once; the old key keeps working for `overlap_hours`."""
    async with pool.acquire() as conn:
        return await api_keys.rotate_key(
            conn=conn,
            key_id=key_id,
            rotation=body or KeyRotation(),
            settings=settings,
            actor=actor,
            now=now,
        )
