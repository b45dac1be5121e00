"""A problem becomes a known error, then is resolved: each step is saved, indexed and
announced (`problem.known_error`, `problem.resolved` with every linked ticket) in one
transaction."""

from datetime import datetime
from uuid import UUID

import asyncpg

from ticketflow_common.commit_hooks import after_commit
from ticketflow_common.events.knowledge import ProblemKnownError, ProblemResolved
from ticketflow_common.outbox import emit
from ticketflow_common.preconditions import WritePrecondition
from ticketflow_knowledge.commands.metrics import KNOWLEDGE_PROBLEMS_RESOLVED
from ticketflow_knowledge.commands.problems import conflict, problem_to_change, reindex_problem
from ticketflow_knowledge.domain.access import Caller
from ticketflow_knowledge.domain.problems import (
    KnownErrorDeclaration,
    Problem,
    ProblemConflict,
    ProblemResolution,
    declared_known_error,
    resolved,
)
from ticketflow_knowledge.store import problems as store


async def declare_known_error(
    *,
    conn: asyncpg.Connection,
    problem_id: UUID,
    declaration: KnownErrorDeclaration,
    precondition: WritePrecondition,
    now: datetime,
) -> Problem:
    """Open -> known_error: searchable (public per the flag) and told to its linked tickets."""
    async with conn.transaction():
        problem = await problem_to_change(
            conn=conn, problem_id=problem_id, precondition=precondition
        )
        try:
            known = declared_known_error(problem, declaration, now=now)
        except ProblemConflict as error:
            raise conflict(error) from error
        await store.save_problem(conn=conn, problem=known)
        await reindex_problem(conn=conn, problem=known, now=now)
        assert known.workaround is not None
        event = ProblemKnownError(
            problem_id=known.problem_id,
            title=known.title,
            category=known.category,
            root_cause=known.root_cause,
            workaround=known.workaround,
            ticket_ids=await store.linked_ticket_ids(conn=conn, problem_id=problem_id),
            declared_at=now,
        )
        await emit(conn, event, subject=str(problem_id), now=now)
        return known


async def resolve_problem(
    *,
    conn: asyncpg.Connection,
    problem_id: UUID,
    resolution: ProblemResolution,
    precondition: WritePrecondition,
    caller: Caller,
    now: datetime,
) -> Problem:
    """Open or known_error -> resolved, once (again: 409); the known error stays searchable
    with its fix, and every linked ticket hears of it."""
    async with conn.transaction():
        problem = await problem_to_change(
            conn=conn, problem_id=problem_id, precondition=precondition
        )
        try:
            fixed = resolved(problem, resolution, resolved_by=caller.subject, now=now)
        except ProblemConflict as error:
            raise conflict(error) from error
        await store.save_problem(conn=conn, problem=fixed)
        await reindex_problem(conn=conn, problem=fixed, now=now)
        assert fixed.permanent_fix is not None
        event = ProblemResolved(
            problem_id=fixed.problem_id,
            title=fixed.title,
            root_cause=fixed.root_cause,
            permanent_fix=fixed.permanent_fix,
            ticket_ids=await store.linked_ticket_ids(conn=conn, problem_id=problem_id),
            resolve_linked_tickets=resolution.resolve_linked_tickets,
            resolved_by=caller.subject,
            resolved_at=now,
        )
        await emit(conn, event, subject=str(problem_id), now=now)
        after_commit(conn, KNOWLEDGE_PROBLEMS_RESOLVED.inc)
        return fixed
