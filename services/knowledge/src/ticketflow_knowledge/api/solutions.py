"""Thin routes for the solutions learned from tickets (staff only: tickets are private)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_knowledge.api.deps import PoolDep, StaffDep
from ticketflow_knowledge.commands import solution_reads
from ticketflow_knowledge.domain.solutions import SolutionView

router = APIRouter(prefix="/solutions", tags=["solutions"])


@router.get("")
async def list_solutions(
    staff: StaffDep,
    pool: PoolDep,
    q: Annotated[str | None, Query(max_length=2000, description="Words to search for.")] = None,
    language: Annotated[
        str, Query(min_length=2, max_length=16, description="The language `q` is written in.")
    ] = "en",
    category: Annotated[str | None, Query(max_length=200)] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 20,
) -> Page[SolutionView]:
    """Learned solutions, newest mark first; with `q`, the live ones (resolved or closed
    tickets) that match, best first."""
    async with pool.acquire() as conn:
        return await solution_reads.list_solutions(
            conn=conn, q=q, language=language, category=category, cursor=cursor, limit=limit
        )


@router.get("/{ticket_id}")
async def read_solution(ticket_id: UUID, staff: StaffDep, pool: PoolDep) -> SolutionView:
    """The solution learned from one ticket; 404 when there is none."""
    async with pool.acquire() as conn:
        return await solution_reads.read_solution(conn=conn, ticket_id=ticket_id)
