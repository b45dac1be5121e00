"""Thin routes for principals and `GET /me`."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel

from ticketflow_common.events.identity import IdentityRole, PrincipalKind
from ticketflow_identity.api.deps import (
    AdminDep,
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
    teams: list[UUID]
    scopes: list[str] | None
    principal: PrincipalView | None


def _with_etag(response: Response, view: PrincipalView) -> PrincipalView:
    response.headers["ETag"] = str(principals.etag_of(view))
    return view


@router.post("/principals", status_code=status.HTTP_201_CREATED)
async def create_principal(
    body: NewPrincipal, pool: PoolDep, now: NowDep, _caller: BootstrapDep, response: Response
) -> PrincipalView:
    async with pool.acquire() as conn:
        view = await principals.create_principal(conn=conn, new=body, now=now)
    response.headers["Location"] = f"/principals/{view.principal_id}"
    return _with_etag(response, view)


@router.get("/principals")
async def read_principals(
    pool: PoolDep,
    _caller: AdminDep,
    role: IdentityRole | None = None,
    kind: PrincipalKind | None = None,
    team: UUID | None = None,
    email: Annotated[str | None, Query(max_length=320)] = None,
    disabled: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[PrincipalView]:
    where = PrincipalFilter(
        role=role, kind=kind, team=team, email=email, disabled=disabled, limit=limit, offset=offset
    )
    async with pool.acquire() as conn:
        return await principals.list_principals(conn=conn, where=where)


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
    response: Response,
) -> PrincipalView:
    """Every service refuses the principal's tokens signed before the change."""
    async with pool.acquire() as conn:
        view = await principals.update_principal(
            conn=conn, principal_id=principal_id, patch=body, precondition=precondition, now=now
        )
    return _with_etag(response, view)


@router.post("/principals/{principal_id}/disable")
async def disable_principal(
    principal_id: UUID,
    pool: PoolDep,
    now: NowDep,
    _caller: AdminDep,
    precondition: IfMatchDep,
    response: Response,
) -> PrincipalView:
    """For good: its keys are revoked, its tokens refused everywhere."""
    async with pool.acquire() as conn:
        view = await principals.disable_principal(
            conn=conn, principal_id=principal_id, precondition=precondition, now=now
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
        teams=sorted(caller.teams, key=str),
        scopes=None if caller.scopes is None else sorted(caller.scopes),
        principal=record,
    )
