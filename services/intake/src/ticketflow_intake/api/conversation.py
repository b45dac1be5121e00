"""Thin routes for replies, internal notes and satisfaction ratings."""

from datetime import UTC, datetime
from uuid import UUID

from fastapi import APIRouter, status

from ticketflow_intake.api.deps import CanGiveFeedback, PoolDep, PrincipalDep
from ticketflow_intake.commands.access_checks import load_visible
from ticketflow_intake.commands.converse import add_comment, give_feedback
from ticketflow_intake.domain.conversation import Comment, Feedback, NewComment, NewFeedback
from ticketflow_intake.store.conversation import list_comments

router = APIRouter(prefix="/tickets/{ticket_id}", tags=["conversation"])


@router.get("/comments")
async def read_comments(ticket_id: UUID, principal: PrincipalDep, pool: PoolDep) -> list[Comment]:
    """Oldest first; only agents (and admins) see internal notes."""
    async with pool.acquire() as conn:
        await load_visible(conn=conn, ticket_id=ticket_id, principal=principal)
        return await list_comments(
            conn=conn, ticket_id=ticket_id, include_internal=principal.reads_internal_notes
        )


@router.post("/comments", status_code=status.HTTP_201_CREATED)
async def write_comment(
    ticket_id: UUID, body: NewComment, principal: PrincipalDep, pool: PoolDep
) -> Comment:
    """A public reply or (agents only) an internal note; the first public agent reply is the
    first response, and a requester's reply reopens a ticket that was waiting on them."""
    async with pool.acquire() as conn, conn.transaction():
        return await add_comment(
            conn=conn, ticket_id=ticket_id, new=body, principal=principal, now=datetime.now(UTC)
        )


@router.post("/feedback", status_code=status.HTTP_201_CREATED)
async def rate_ticket(
    ticket_id: UUID, body: NewFeedback, principal: CanGiveFeedback, pool: PoolDep
) -> Feedback:
    """The requester rates a resolved ticket 1-5, once."""
    async with pool.acquire() as conn, conn.transaction():
        return await give_feedback(
            conn=conn, ticket_id=ticket_id, new=body, principal=principal, now=datetime.now(UTC)
        )
