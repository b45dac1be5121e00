"""Thin routes for replies, internal notes and satisfaction ratings."""

from uuid import UUID

from fastapi import APIRouter, status

from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_intake.api.deps import CanGiveFeedback, CanWork, NowDep, PoolDep, PrincipalDep
from ticketflow_intake.commands import converse, mark_solution
from ticketflow_intake.domain.conversation import Comment, Feedback, NewComment, NewFeedback

router = APIRouter(prefix="/tickets/{ticket_id}", tags=["conversation"])


@router.get("/comments")
async def read_comments(
    ticket_id: UUID,
    principal: PrincipalDep,
    pool: PoolDep,
    cursor: CursorQuery = None,
    limit: LimitQuery = 100,
) -> Page[Comment]:
    """Oldest first; only agents (and admins) see internal notes."""
    async with pool.acquire() as conn:
        return await converse.read_comments(
            conn=conn, ticket_id=ticket_id, principal=principal, cursor=cursor, limit=limit
        )


@router.post("/comments", status_code=status.HTTP_201_CREATED)
async def write_comment(
    ticket_id: UUID, body: NewComment, principal: PrincipalDep, pool: PoolDep, now: NowDep
) -> Comment:
    """A public reply or (agents only) an internal note; the first public agent reply is the
    first response, and a requester's reply reopens a ticket that was waiting on them."""
    async with pool.acquire() as conn:
        return await converse.add_comment(
            conn=conn, ticket_id=ticket_id, new=body, principal=principal, now=now
        )


@router.put("/comments/{comment_id}/solution")
async def mark_comment_as_solution(
    ticket_id: UUID, comment_id: UUID, principal: CanWork, pool: PoolDep, now: NowDep
) -> Comment:
    """Staff mark a public agent reply as the ticket's one solution (replacing an earlier one;
    the same one again changes nothing); knowledge learns it from `ticket.solution_marked`."""
    async with pool.acquire() as conn:
        return await mark_solution.mark_solution(
            conn=conn, ticket_id=ticket_id, comment_id=comment_id, principal=principal, now=now
        )


@router.post("/feedback", status_code=status.HTTP_201_CREATED)
async def rate_ticket(
    ticket_id: UUID, body: NewFeedback, principal: CanGiveFeedback, pool: PoolDep, now: NowDep
) -> Feedback:
    """The requester rates a resolved ticket 1-5, once."""
    async with pool.acquire() as conn:
        return await converse.give_feedback(
            conn=conn, ticket_id=ticket_id, new=body, principal=principal, now=now
        )
