"""Thin routes for macros: leads keep them (ETag/If-Match on the version), agents list those
offered to their teams, preview one on a ticket and apply it (202: the owning services carry
the actions out)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Request, Response, status

from ticketflow_automation.api.deps import AuditActorDep, NowDep, PoolDep
from ticketflow_automation.commands import macros as commands
from ticketflow_automation.domain.macros import (
    IdempotencyKey,
    Macro,
    MacroApplication,
    MacroDefinition,
    MacroPreview,
)
from ticketflow_common.authorization import PrincipalDep
from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_common.preconditions import write_precondition

router = APIRouter(tags=["macros"])

IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description='The macro\'s ETag (its version, e.g. "3").'),
]
KeyHeader = Annotated[
    IdempotencyKey | None,
    Header(
        alias="Idempotency-Key",
        description="The same key from the same caller answers the first application again.",
    ),
]


def with_etag(response: Response, macro: Macro) -> Macro:
    response.headers["ETag"] = str(commands.etag(macro))
    return macro


@router.post("/macros", status_code=status.HTTP_201_CREATED)
async def post_macro(
    body: MacroDefinition, pool: PoolDep, now: NowDep, actor: AuditActorDep, response: Response
) -> Macro:
    """A new macro; 422 names a template that does not parse (`actions.0.body`)."""
    async with pool.acquire() as conn:
        macro = await commands.create_macro(conn=conn, definition=body, actor=actor, now=now)
    response.headers["Location"] = f"/macros/{macro.macro_id}"
    return with_etag(response, macro)


@router.get("/macros")
async def get_macros(
    principal: PrincipalDep, pool: PoolDep, limit: LimitQuery = 50, cursor: CursorQuery = None
) -> Page[Macro]:
    """By id; an agent sees the macros offered to their teams (or to everyone)."""
    async with pool.acquire() as conn:
        return await commands.find_macros(
            conn=conn, principal=principal, cursor=cursor, limit=limit
        )


@router.get("/macros/{macro_id}")
async def get_macro(
    macro_id: UUID, principal: PrincipalDep, pool: PoolDep, response: Response
) -> Macro:
    async with pool.acquire() as conn:
        macro = await commands.read_macro(conn=conn, macro_id=macro_id, principal=principal)
    return with_etag(response, macro)


@router.put("/macros/{macro_id}")
async def put_macro(
    macro_id: UUID,
    body: MacroDefinition,
    request: Request,
    pool: PoolDep,
    now: NowDep,
    actor: AuditActorDep,
    response: Response,
    _if_match: IfMatch = None,
) -> Macro:
    """Replace the macro; `If-Match` with its current ETag is required (428, 412 if stale)."""
    precondition = write_precondition(request.headers.getlist("if-match"), required=True)
    async with pool.acquire() as conn:
        macro = await commands.replace_macro(
            conn=conn,
            macro_id=macro_id,
            definition=body,
            precondition=precondition,
            actor=actor,
            now=now,
        )
    return with_etag(response, macro)


@router.delete("/macros/{macro_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_macro(
    macro_id: UUID,
    request: Request,
    pool: PoolDep,
    now: NowDep,
    actor: AuditActorDep,
    _if_match: IfMatch = None,
) -> Response:
    """Soft: past applications keep naming it; `If-Match`, if sent, must be current."""
    precondition = write_precondition(request.headers.getlist("if-match"))
    async with pool.acquire() as conn:
        await commands.delete_macro(
            conn=conn, macro_id=macro_id, precondition=precondition, actor=actor, now=now
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/tickets/{ticket_id}/macros/{macro_id}/preview")
async def post_preview(
    ticket_id: UUID, macro_id: UUID, principal: PrincipalDep, pool: PoolDep
) -> MacroPreview:
    """The ticket before and after, the changes and the rendered actions; writes nothing."""
    async with pool.acquire() as conn:
        return await commands.preview_macro(
            conn=conn, ticket_id=ticket_id, macro_id=macro_id, principal=principal
        )


@router.post("/tickets/{ticket_id}/macros/{macro_id}/apply", status_code=status.HTTP_202_ACCEPTED)
async def post_apply(
    ticket_id: UUID,
    macro_id: UUID,
    principal: PrincipalDep,
    pool: PoolDep,
    now: NowDep,
    idempotency_key: KeyHeader = None,
) -> MacroApplication:
    """Announce `macro.applied` with the rendered actions; 404 for a ticket automation has
    not seen or a macro not offered to the caller."""
    async with pool.acquire() as conn:
        return await commands.apply_macro(
            conn=conn,
            ticket_id=ticket_id,
            macro_id=macro_id,
            principal=principal,
            idempotency_key=idempotency_key,
            now=now,
        )
