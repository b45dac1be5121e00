"""Marking a public agent reply as a ticket's solution, which knowledge learns from."""

from datetime import datetime
from functools import partial
from uuid import UUID

import asyncpg

from ticketflow_common.problems import ProblemError, not_found
from ticketflow_intake.commands.access_checks import load_visible
from ticketflow_intake.commands.ticket_events import apply_change
from ticketflow_intake.domain.access import Principal
from ticketflow_intake.domain.conversation import Comment
from ticketflow_intake.domain.solutions import solution_refusal
from ticketflow_intake.domain.ticket_events import solution_marked
from ticketflow_intake.store import solutions


async def mark_solution(
    *,
    conn: asyncpg.Connection,
    ticket_id: UUID,
    comment_id: UUID,
    principal: Principal,
    now: datetime,
) -> Comment:
    """The ticket's one solution (a new version and `ticket.solution_marked`); marking the
    current solution again changes nothing and emits nothing."""
    async with conn.transaction():
        ticket = await load_visible(
            conn=conn, ticket_id=ticket_id, principal=principal, for_update=True
        )
        comment = await solutions.get_comment(conn=conn, ticket_id=ticket.id, comment_id=comment_id)
        if comment is None or (not comment.public and not principal.reads_internal_notes):
            raise not_found(f"comment {comment_id} not found on ticket {ticket_id}")
        refusal = solution_refusal(comment)
        if refusal is not None:
            raise ProblemError(
                409,
                refusal,
                comment_id=str(comment.id),
                public=comment.public,
                author_role=comment.author_role,
            )
        if comment.solution:
            return comment
        if ticket.status == "closed":
            raise ProblemError(
                409, "a closed ticket is final: its solution cannot be marked", status_now="closed"
            )
        await solutions.mark_solution(
            conn=conn,
            ticket_id=ticket.id,
            comment_id=comment.id,
            marked_by=principal.subject,
            now=now,
        )
        marked = comment.model_copy(update={"solution": True})
        event = partial(solution_marked, comment=marked, marked_by=principal.subject, now=now)
        await apply_change(conn=conn, ticket=ticket, changes={}, event=event, now=now)
        return marked
