"""Thin routes for the service catalogue and API keys."""

from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from pydantic import ConfigDict, Field

from ticketflow_common.input_model import InputModel
from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_intake.api.deps import (
    AuditActorDep,
    CanManageCategories,
    CanManageCredentials,
    NowDep,
    PoolDep,
    PrincipalDep,
    SettingsDep,
)
from ticketflow_intake.commands import catalogue, credentials
from ticketflow_intake.domain.access import CredentialView, IssuedCredential, Role
from ticketflow_intake.domain.catalogue import Category, CategorySpec

router = APIRouter(tags=["admin"])

CategoryKeyPath = Annotated[
    str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")
]


@router.get("/categories")
async def read_categories(
    principal: PrincipalDep, pool: PoolDep, cursor: CursorQuery = None, limit: LimitQuery = 100
) -> Page[Category]:
    """The catalogue clients pick a category from, by key (its approvers for staff only)."""
    async with pool.acquire() as conn:
        return await catalogue.list_categories(
            conn=conn, cursor=cursor, limit=limit, principal=principal
        )


@router.put("/categories/{key}")
async def put_category(
    key: CategoryKeyPath,
    body: CategorySpec,
    _principal: CanManageCategories,
    pool: PoolDep,
    settings: SettingsDep,
    now: NowDep,
    actor: AuditActorDep,
) -> Category:
    """Create or change a category: its defaults, approval threshold, approvers, escalation
    contacts and approval times; 422 naming the field that cannot work."""
    async with pool.acquire() as conn:
        return await catalogue.put_category(
            conn=conn,
            key=key,
            spec=body,
            actor=actor,
            now=now,
            approval_defaults=settings.approval_timing(),
        )


@router.delete("/categories/{key}", status_code=status.HTTP_204_NO_CONTENT)
async def archive_category(
    key: CategoryKeyPath,
    _principal: CanManageCategories,
    pool: PoolDep,
    now: NowDep,
    actor: AuditActorDep,
) -> Response:
    """Archive the category (tickets keep naming it; new ones cannot); 409 names the tickets
    still being worked in it. `PUT` brings it back."""
    async with pool.acquire() as conn:
        await catalogue.retire_category(conn=conn, key=key, actor=actor, now=now)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


class NewCredential(InputModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"name": "web portal for u-1042", "role": "requester", "subject": "u-1042"}
            ]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    role: Role
    subject: str = Field(
        min_length=1, max_length=128, description="Requester id, agent id or person it acts for."
    )


@router.post("/credentials", status_code=status.HTTP_201_CREATED)
async def issue_credential(
    body: NewCredential,
    _principal: CanManageCredentials,
    pool: PoolDep,
    now: NowDep,
    actor: AuditActorDep,
) -> IssuedCredential:
    async with pool.acquire() as conn:
        return await credentials.issue_credential(
            conn=conn,
            name=body.name,
            role=body.role,
            subject=body.subject,
            actor=actor,
            now=now,
        )


@router.get("/credentials")
async def read_credentials(
    _principal: CanManageCredentials,
    pool: PoolDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[CredentialView]:
    """Every key, revoked ones too, oldest first."""
    async with pool.acquire() as conn:
        return await credentials.list_credentials(conn=conn, cursor=cursor, limit=limit)


@router.delete("/credentials/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke(
    key_id: Annotated[str, Path(max_length=64)],
    _principal: CanManageCredentials,
    pool: PoolDep,
    now: NowDep,
    actor: AuditActorDep,
) -> None:
    async with pool.acquire() as conn:
        await credentials.revoke_credential(conn=conn, key_id=key_id, actor=actor, now=now)
