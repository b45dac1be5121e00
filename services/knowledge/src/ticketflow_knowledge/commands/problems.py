"""Recording problems and linking their incident tickets; every change to a listed problem
re-indexes its known error in the same transaction."""

import uuid
from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.pagination import Page, encode_timed_cursor, page_of, read_timed_cursor
from ticketflow_common.preconditions import EntityTag, WritePrecondition
from ticketflow_common.problems import ProblemError, invalid_field, not_found
from ticketflow_knowledge.domain.access import Caller
from ticketflow_knowledge.domain.problems import (
    FieldRule,
    LinkedTicket,
    NewProblem,
    Problem,
    ProblemConflict,
    ProblemPatch,
    ProblemStatus,
    check_linkable,
    indexed_known_error,
    new_problem,
    patched,
)
from ticketflow_knowledge.store import problems as store
from ticketflow_knowledge.store.search_items import index_item


def conflict(error: ProblemConflict) -> ProblemError:
    return ProblemError(409, str(error))


def etag(problem: Problem) -> EntityTag:
    return EntityTag(str(problem.version))


async def problem_to_change(
    *, conn: asyncpg.Connection, problem_id: UUID, precondition: WritePrecondition
) -> Problem:
    """The problem, locked for the rest of the transaction; 404 when unknown, 412 when the
    client's If-Match names another version."""
    problem = await store.get_problem(conn=conn, problem_id=problem_id, lock=True)
    if problem is None:
        raise not_found(f"problem {problem_id} not found")
    precondition.check(etag(problem), what=f"problem {problem_id}")
    return problem


async def reindex_problem(*, conn: asyncpg.Connection, problem: Problem, now: datetime) -> None:
    """Keep the known error's search row in step with the problem (none before it is one)."""
    item = indexed_known_error(problem)
    if item is not None:
        await index_item(conn=conn, item=item, now=now)


async def create_problem(
    *, conn: asyncpg.Connection, new: NewProblem, caller: Caller, now: datetime
) -> Problem:
    problem = new_problem(new, problem_id=uuid.uuid4(), created_by=caller.subject, now=now)
    await store.insert_problem(conn=conn, problem=problem)
    return problem


async def find_problems(
    *, conn: asyncpg.Connection, status: ProblemStatus | None, cursor: str | None, limit: int
) -> Page[Problem]:
    """Newest first; the cursor holds the last problem's (created_at, problem_id)."""
    after = read_timed_cursor(cursor, kind="knowledge.problems")
    rows = await store.list_problems(conn=conn, status=status, limit=limit + 1, after=after)
    return page_of(
        rows,
        limit=limit,
        cursor=lambda p: encode_timed_cursor("knowledge.problems", p.created_at, p.problem_id),
    )


async def read_problem(*, conn: asyncpg.Connection, problem_id: UUID) -> Problem:
    problem = await store.get_problem(conn=conn, problem_id=problem_id)
    if problem is None:
        raise not_found(f"problem {problem_id} not found")
    return problem


async def edit_problem(
    *,
    conn: asyncpg.Connection,
    problem_id: UUID,
    patch: ProblemPatch,
    precondition: WritePrecondition,
    now: datetime,
) -> Problem:
    """Change fields; a known error's search row follows."""
    async with conn.transaction():
        problem = await problem_to_change(
            conn=conn, problem_id=problem_id, precondition=precondition
        )
        try:
            changed = patched(problem, patch, now=now)
        except FieldRule as error:
            raise invalid_field(error.field, error.reason) from error
        except ProblemConflict as error:
            raise conflict(error) from error
        if changed is not problem:
            await store.save_problem(conn=conn, problem=changed)
            await reindex_problem(conn=conn, problem=changed, now=now)
        return changed


async def link_ticket(
    *, conn: asyncpg.Connection, problem_id: UUID, ticket_id: UUID, caller: Caller, now: datetime
) -> tuple[LinkedTicket, bool]:
    """Link an incident (known to knowledge or not yet); linking it again changes nothing.
    True when it was linked now."""
    async with conn.transaction():
        problem = await problem_to_change(
            conn=conn, problem_id=problem_id, precondition=WritePrecondition()
        )
        existing = await store.get_link(conn=conn, problem_id=problem_id, ticket_id=ticket_id)
        if existing is not None:
            return existing, False
        try:
            check_linkable(problem)
        except ProblemConflict as error:
            raise conflict(error) from error
        await store.insert_link(
            conn=conn, problem_id=problem_id, ticket_id=ticket_id, linked_by=caller.subject, now=now
        )
        link = await store.get_link(conn=conn, problem_id=problem_id, ticket_id=ticket_id)
        assert link is not None
        return link, True


async def unlink_ticket(*, conn: asyncpg.Connection, problem_id: UUID, ticket_id: UUID) -> None:
    """404 when the ticket is not linked; 409 once the problem is resolved."""
    async with conn.transaction():
        problem = await problem_to_change(
            conn=conn, problem_id=problem_id, precondition=WritePrecondition()
        )
        try:
            check_linkable(problem)
        except ProblemConflict as error:
            raise conflict(error) from error
        if not await store.delete_link(conn=conn, problem_id=problem_id, ticket_id=ticket_id):
            raise not_found(f"ticket {ticket_id} is not linked to problem {problem_id}")


async def linked_tickets(*, conn: asyncpg.Connection, problem_id: UUID) -> list[LinkedTicket]:
    await read_problem(conn=conn, problem_id=problem_id)
    return await store.list_links(conn=conn, problem_id=problem_id)
