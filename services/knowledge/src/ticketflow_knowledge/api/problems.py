"""Thin routes for problems, their linked incidents and the known-error list. Staff only,
except `GET /known-errors`, where requesters read the public known errors."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status

from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_knowledge.api.deps import CallerDep, IfMatchDep, NowDep, PoolDep, StaffDep
from ticketflow_knowledge.commands import problems as commands
from ticketflow_knowledge.commands.known_errors import find_known_errors
from ticketflow_knowledge.commands.problem_lifecycle import declare_known_error, resolve_problem
from ticketflow_knowledge.domain.problems import (
    MAX_CATEGORY_CHARS,
    KnownError,
    KnownErrorDeclaration,
    LinkedTicket,
    NewProblem,
    Problem,
    ProblemPatch,
    ProblemResolution,
    ProblemStatus,
    TicketLink,
)

router = APIRouter(tags=["problems"])


def with_etag(response: Response, problem: Problem) -> Problem:
    response.headers["ETag"] = str(commands.etag(problem))
    return problem


@router.post("/problems", status_code=status.HTTP_201_CREATED)
async def post_problem(
    body: NewProblem, caller: StaffDep, pool: PoolDep, now: NowDep, response: Response
) -> Problem:
    """Record a problem behind one or more incidents; it starts open."""
    async with pool.acquire() as conn:
        problem = await commands.create_problem(conn=conn, new=body, caller=caller, now=now)
    response.headers["Location"] = f"/problems/{problem.problem_id}"
    return with_etag(response, problem)


@router.get("/problems")
async def get_problems(
    _caller: StaffDep,
    pool: PoolDep,
    status: ProblemStatus | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 20,
) -> Page[Problem]:
    """Newest first."""
    async with pool.acquire() as conn:
        return await commands.find_problems(conn=conn, status=status, cursor=cursor, limit=limit)


@router.get("/problems/{problem_id}")
async def get_problem(
    problem_id: UUID, _caller: StaffDep, pool: PoolDep, response: Response
) -> Problem:
    async with pool.acquire() as conn:
        return with_etag(response, await commands.read_problem(conn=conn, problem_id=problem_id))


@router.patch("/problems/{problem_id}")
async def patch_problem(
    problem_id: UUID,
    body: ProblemPatch,
    precondition: IfMatchDep,
    _caller: StaffDep,
    pool: PoolDep,
    now: NowDep,
    response: Response,
) -> Problem:
    """Change its text; a known error's search row follows. Send `If-Match` to be told (412)
    of a change made since you read it."""
    async with pool.acquire() as conn:
        problem = await commands.edit_problem(
            conn=conn, problem_id=problem_id, patch=body, precondition=precondition, now=now
        )
    return with_etag(response, problem)


@router.post(
    "/problems/{problem_id}/tickets",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": LinkedTicket, "description": "Linked already; nothing changed."}},
)
async def post_problem_ticket(
    problem_id: UUID,
    body: TicketLink,
    caller: StaffDep,
    pool: PoolDep,
    now: NowDep,
    response: Response,
) -> LinkedTicket:
    """Link an incident: 201 when linked now, 200 when it was linked already; 409 once the
    problem is resolved."""
    async with pool.acquire() as conn:
        link, created = await commands.link_ticket(
            conn=conn, problem_id=problem_id, ticket_id=body.ticket_id, caller=caller, now=now
        )
    if not created:
        response.status_code = status.HTTP_200_OK
    return link


@router.delete("/problems/{problem_id}/tickets/{ticket_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_problem_ticket(
    problem_id: UUID, ticket_id: UUID, _caller: StaffDep, pool: PoolDep
) -> Response:
    async with pool.acquire() as conn:
        await commands.unlink_ticket(conn=conn, problem_id=problem_id, ticket_id=ticket_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/problems/{problem_id}/tickets")
async def get_problem_tickets(
    problem_id: UUID, _caller: StaffDep, pool: PoolDep
) -> Page[LinkedTicket]:
    """The first linked first, in one page; subject and status when knowledge has seen the
    ticket."""
    async with pool.acquire() as conn:
        linked = await commands.linked_tickets(conn=conn, problem_id=problem_id)
    return Page[LinkedTicket](items=linked, next_cursor=None)


@router.post("/problems/{problem_id}/known-error")
async def post_known_error(
    problem_id: UUID,
    body: KnownErrorDeclaration,
    precondition: IfMatchDep,
    _caller: StaffDep,
    pool: PoolDep,
    now: NowDep,
    response: Response,
) -> Problem:
    """An open problem becomes a known error (409 otherwise): searchable, and announced as
    `problem.known_error` with its linked tickets."""
    async with pool.acquire() as conn:
        problem = await declare_known_error(
            conn=conn, problem_id=problem_id, declaration=body, precondition=precondition, now=now
        )
    return with_etag(response, problem)


@router.post("/problems/{problem_id}/resolve")
async def post_resolve(
    problem_id: UUID,
    body: ProblemResolution,
    precondition: IfMatchDep,
    caller: StaffDep,
    pool: PoolDep,
    now: NowDep,
    response: Response,
) -> Problem:
    """Resolve with the permanent fix, once (409 when resolved already); `problem.resolved`
    names every linked ticket."""
    async with pool.acquire() as conn:
        problem = await resolve_problem(
            conn=conn,
            problem_id=problem_id,
            resolution=body,
            precondition=precondition,
            caller=caller,
            now=now,
        )
    return with_etag(response, problem)


@router.get("/known-errors")
async def get_known_errors(
    caller: CallerDep,
    pool: PoolDep,
    category: Annotated[str | None, Query(max_length=MAX_CATEGORY_CHARS)] = None,
    q: Annotated[str | None, Query(max_length=500, description="Ranked when given.")] = None,
    language: Annotated[
        str | None, Query(max_length=20, description="Of `q`; guessed from it when left out.")
    ] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 20,
) -> Page[KnownError]:
    """Known errors and resolved problems, the latest to join the list first or best match
    first; requesters see the public ones."""
    async with pool.acquire() as conn:
        return await find_known_errors(
            conn=conn,
            caller=caller,
            category=category,
            q=q,
            language=language,
            cursor=cursor,
            limit=limit,
        )
