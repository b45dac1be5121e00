"""Thin routes: rules as people manage them, one at a time or as a YAML file. `/rules/export`
and `/rules/import` come before `/rules/{rule_id}`."""

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status

from ticketflow_automation.api.deps import AuditActorDep, NowDep, PoolDep
from ticketflow_automation.api.rule_route import RuleRoute
from ticketflow_automation.commands import rule_files
from ticketflow_automation.commands import rules as commands
from ticketflow_automation.commands.rules import RulePatch, RuleView
from ticketflow_automation.domain.rule_files import MAX_FILE_BYTES
from ticketflow_automation.domain.rules import RuleDefinition
from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_common.preconditions import WritePrecondition, write_precondition
from ticketflow_common.problems import ProblemError

router = APIRouter(tags=["automation"], route_class=RuleRoute)
YAML = "application/yaml"


async def if_match(
    request: Request,
    value: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The rule\'s ETag (its version, e.g. "3"); a stale one answers 412'
            " and changes nothing.",
        ),
    ] = None,
) -> WritePrecondition:
    del value
    return write_precondition(request.headers.getlist("if-match"))


async def required_if_match(
    request: Request,
    value: Annotated[
        str | None,
        Header(alias="If-Match", description="Required: the rule's current ETag."),
    ] = None,
) -> WritePrecondition:
    del value
    return write_precondition(request.headers.getlist("if-match"), required=True)


IfMatchDep = Annotated[WritePrecondition, Depends(if_match)]
RequiredIfMatchDep = Annotated[WritePrecondition, Depends(required_if_match)]


def with_etag(response: Response, view: RuleView) -> RuleView:
    response.headers["ETag"] = str(commands.etag(view))
    return view


@router.post("/rules", status_code=status.HTTP_201_CREATED)
async def post_rule(
    body: RuleDefinition, pool: PoolDep, now: NowDep, actor: AuditActorDep, response: Response
) -> RuleView:
    """A new rule; it acts from the next event (or timer) on when enabled."""
    async with pool.acquire() as conn:
        view = await commands.create_rule(conn=conn, definition=body, actor=actor, now=now)
    response.headers["Location"] = f"/rules/{view.rule_id}"
    return with_etag(response, view)


@router.get("/rules")
async def get_rules(
    pool: PoolDep,
    enabled: bool | None = None,
    kind: Literal["event", "time"] | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[RuleView]:
    """In evaluation order (position, then age)."""
    async with pool.acquire() as conn:
        return await commands.find_rules(
            conn=conn, enabled=enabled, kind=kind, cursor=cursor, limit=limit
        )


@router.get("/rules/export", response_class=Response, responses={200: {"content": {YAML: {}}}})
async def get_rules_export(pool: PoolDep) -> Response:
    """Every live rule as one YAML file (`POST /rules/import` takes it back unchanged)."""
    async with pool.acquire() as conn:
        text = await rule_files.export_rules(conn=conn)
    return Response(
        content=text.encode("utf-8"),
        media_type=YAML,
        headers={"Content-Disposition": 'attachment; filename="rules.yaml"'},
    )


@router.post(
    "/rules/import",
    openapi_extra={"requestBody": {"content": {YAML: {"schema": {"type": "string"}}}}},
)
async def post_rules_import(
    request: Request,
    pool: PoolDep,
    now: NowDep,
    actor: AuditActorDep,
    prune: Annotated[bool, Query(description="Delete live rules the file leaves out.")] = False,
) -> rule_files.ImportReport:
    """A YAML rule file, all or nothing, upserted by name; 422 names `rules[i]...`."""
    text = await _bounded_body(request)
    async with pool.acquire() as conn:
        return await rule_files.import_rules(
            conn=conn, text=text, prune=prune, actor=actor, now=now
        )


async def _bounded_body(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise ProblemError(413, f"a rule file is at most {MAX_FILE_BYTES} bytes", field="body")
        chunks.append(chunk)
    return b"".join(chunks)


@router.get("/rules/{rule_id}")
async def get_rule(rule_id: UUID, pool: PoolDep, response: Response) -> RuleView:
    async with pool.acquire() as conn:
        return with_etag(response, await commands.read_rule(conn=conn, rule_id=rule_id))


@router.put("/rules/{rule_id}")
async def put_rule(
    rule_id: UUID,
    body: RuleDefinition,
    precondition: RequiredIfMatchDep,
    pool: PoolDep,
    now: NowDep,
    actor: AuditActorDep,
    response: Response,
) -> RuleView:
    """Replace the whole definition (a new version); `If-Match` required."""
    async with pool.acquire() as conn:
        view = await commands.replace_rule(
            conn=conn,
            rule_id=rule_id,
            definition=body,
            precondition=precondition,
            actor=actor,
            now=now,
        )
    return with_etag(response, view)


@router.patch("/rules/{rule_id}")
async def patch_rule(
    rule_id: UUID,
    body: RulePatch,
    precondition: IfMatchDep,
    pool: PoolDep,
    now: NowDep,
    actor: AuditActorDep,
    response: Response,
) -> RuleView:
    """Switch it on or off, move it, describe it; send `If-Match` to be told (412) of a change
    made since you read it."""
    async with pool.acquire() as conn:
        view = await commands.change_rule(
            conn=conn, rule_id=rule_id, patch=body, precondition=precondition, actor=actor, now=now
        )
    return with_etag(response, view)


@router.delete("/rules/{rule_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_rule(
    rule_id: UUID, precondition: IfMatchDep, pool: PoolDep, now: NowDep, actor: AuditActorDep
) -> Response:
    """Soft delete: it stops acting, its firings keep naming it, its name is free again."""
    async with pool.acquire() as conn:
        await commands.delete_rule(
            conn=conn, rule_id=rule_id, precondition=precondition, actor=actor, now=now
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
