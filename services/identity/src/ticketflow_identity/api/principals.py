"""Thin routes for principals and `GET /me`."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel

from ticketflow_common.events.common import TEAM_KEY_MAX_LENGTH, TEAM_KEY_PATTERN, TeamKey
from ticketflow_common.events.identity import IdentityRole, PrincipalKind
from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_identity.api.deps import (
    AdminDep,
    AuditActorDep,
    BootstrapDep,
    CallerDep,
    IfMatchDep,
    NowDep,
    PoolDep,
)
from ticketflow_identity.commands import principals
from ticketflow_identity.domain.principals import (
    NewPrincipal,
    PrincipalFilter,
    PrincipalPatch,
    PrincipalView,
)

router = APIRouter(tags=["principals"])


class Me(BaseModel):
    """The caller as every service sees them, and their record when they have one."""

    subject: str
    role: str
    via: str
    credential_id: str | None
    agent_id: UUID | None
    teams: list[TeamKey]
    scopes: list[str] | None
    principal: PrincipalView | None


def _with_etag(response: Response, view: PrincipalView) -> PrincipalView:
    response.headers["ETag"] = str(principals.etag_of(view))
    return view


@router.post("/principals", status_code=status.HTTP_201_CREATED)
async def create_principal(
    body: NewPrincipal,
    pool: PoolDep,
    now: NowDep,
    _caller: BootstrapDep,
    actor: AuditActorDep,
    response: Response,
) -> PrincipalView:
    async with pool.acquire() as conn:
        view = await principals.create_principal(conn=conn, new=body, actor=actor, now=now)
    response.headers["Location"] = f"/principals/{view.principal_id}"
    return _with_etag(response, view)


@router.get("/principals")
async def read_principals(
    pool: PoolDep,
    _caller: AdminDep,
    role: IdentityRole | None = None,
    kind: PrincipalKind | None = None,
    team: Annotated[
        str | None,
        Query(min_length=1, max_length=TEAM_KEY_MAX_LENGTH, pattern=TEAM_KEY_PATTERN),
    ] = None,
    email: Annotated[str | None, Query(max_length=320)] = None,
    disabled: bool | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[PrincipalView]:
    """Oldest first."""
    where = PrincipalFilter(
        role=role, kind=kind, team=team, email=email, disabled=disabled, limit=limit
    )
    async with pool.acquire() as conn:
        return await principals.list_principals(conn=conn, where=where, cursor=cursor)


@router.get("/principals/{principal_id}")
async def read_principal(
    principal_id: UUID, pool: PoolDep, _caller: AdminDep, response: Response
) -> PrincipalView:
    async with pool.acquire() as conn:
        view = await principals.read_principal(conn=conn, principal_id=principal_id)
    return _with_etag(response, view)


@router.patch("/principals/{principal_id}")
async def update_principal(
    principal_id: UUID,
    body: PrincipalPatch,
    pool: PoolDep,
    now: NowDep,
    _caller: AdminDep,
    precondition: IfMatchDep,
    actor: AuditActorDep,
    response: Response,
) -> PrincipalView:
    """Every service refuses the principal's tokens signed before the change."""
    async with pool.acquire() as conn:
        view = await principals.update_principal(
            conn=conn,
            principal_id=principal_id,
            patch=body,
            precondition=precondition,
            actor=actor,
            now=now,
        )
    return _with_etag(response, view)


@router.post("/principals/{principal_id}/disable")
async def disable_principal(
    principal_id: UUID,
    pool: PoolDep,
    now: NowDep,
    _caller: AdminDep,
    precondition: IfMatchDep,
    actor: AuditActorDep,
    response: Response,
) -> PrincipalView:
    """For good: its keys are revoked, its tokens refused everywhere."""
    async with pool.acquire() as conn:
        view = await principals.disable_principal(
            conn=conn,
            principal_id=principal_id,
            precondition=precondition,
            actor=actor,
            now=now,
        )
    return _with_etag(response, view)


@router.get("/me")
async def read_me(caller: CallerDep, pool: PoolDep) -> Me:
    record = None
    if caller.via != "service_token":
        async with pool.acquire() as conn:
            record = await principals.find_principal(conn=conn, principal_id=UUID(caller.subject))
    return Me(
        subject=caller.subject,
        role=caller.role,
        via=caller.via,
        credential_id=caller.credential_id,
        agent_id=caller.agent_id,
        teams=sorted(caller.teams),
        scopes=None if caller.scopes is None else sorted(caller.scopes),
        principal=record,
    )
